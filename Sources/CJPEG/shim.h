#ifndef DEEPMEDIA_CJPEG_SHIM_H
#define DEEPMEDIA_CJPEG_SHIM_H
#include <stdio.h>
#include <stddef.h>
#include <jpeglib.h>
#endif
