#ifndef DEEPMEDIA_COPENBLAS_SHIM_H
#define DEEPMEDIA_COPENBLAS_SHIM_H
#include <cblas.h>
#endif
