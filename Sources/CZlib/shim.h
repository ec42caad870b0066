#ifndef DEEPMEDIA_CZLIB_SHIM_H
#define DEEPMEDIA_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro; this wrapper is callable from Swift.
static inline int dm_inflate_init_gzip(z_stream *s) { return inflateInit2(s, 15 + 32); }  // gzip or zlib header
#endif
