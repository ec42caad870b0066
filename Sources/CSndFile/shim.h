#ifndef DEEPMEDIA_CSNDFILE_SHIM_H
#define DEEPMEDIA_CSNDFILE_SHIM_H
#include <sndfile.h>
#endif
