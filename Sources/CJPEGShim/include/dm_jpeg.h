#ifndef DEEPMEDIA_JPEG_H
#define DEEPMEDIA_JPEG_H
#include <stddef.h>
#include <stdint.h>

// libjpeg behind a setjmp/longjmp error path that never leaves C. Each function returns 0 on
// success, or -1 with libjpeg's own message in `err` (NUL-terminated, at most errlen bytes).

// Reads the header only: size and components (1 gray, 3 colour).
int dm_jpeg_info(const uint8_t *data, size_t size, int *width, int *height, int *components,
                 char *err, size_t errlen);

// Decodes into `out` (width*height*channels bytes, allocated by the caller after dm_jpeg_info),
// as gray (channels 1) or RGB (channels 3).
int dm_jpeg_decode(const uint8_t *data, size_t size, int channels, uint8_t *out, size_t outsize,
                   char *err, size_t errlen);

// Encodes 8-bit gray (channels 1) or RGB (channels 3) pixels; *out is malloc'ed (free with dm_jpeg_free).
int dm_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                   uint8_t **out, size_t *outsize, char *err, size_t errlen);

void dm_jpeg_free(void *p);
#endif
