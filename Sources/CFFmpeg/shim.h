#ifndef DEEPMEDIA_CFFMPEG_SHIM_H
#define DEEPMEDIA_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/tx.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>

// Macros Swift cannot import, as prefixed inline functions.
static inline int dm_averror_eof(void) { return AVERROR_EOF; }
static inline int dm_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int64_t dm_av_nopts_value(void) { return AV_NOPTS_VALUE; }
#endif
