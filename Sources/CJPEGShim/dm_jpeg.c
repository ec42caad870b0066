#include "dm_jpeg.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

// The error manager: libjpeg's message is formatted into `err`, then longjmp back to the caller's
// setjmp in the same C function. No Swift frame is ever jumped over.
struct dm_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *err;
    size_t errlen;
};

static void dm_error_exit(j_common_ptr cinfo) {
    struct dm_error *e = (struct dm_error *)cinfo->err;
    char buf[JMSG_LENGTH_MAX];
    (*cinfo->err->format_message)(cinfo, buf);
    if (e->err && e->errlen) { strncpy(e->err, buf, e->errlen - 1); e->err[e->errlen - 1] = 0; }
    longjmp(e->jump, 1);
}

// Corrupt-data warnings are errors too: a damaged file must not decode to garbage silently.
static void dm_emit_message(j_common_ptr cinfo, int level) {
    if (level < 0) {
        struct dm_error *e = (struct dm_error *)cinfo->err;
        if (e->pub.num_warnings++ == 0 && cinfo->err->msg_code != JWRN_EXTRANEOUS_DATA) dm_error_exit(cinfo);
    }
}

static void dm_setup(struct jpeg_decompress_struct *cinfo, struct dm_error *jerr, char *err, size_t errlen) {
    cinfo->err = jpeg_std_error(&jerr->pub);
    jerr->pub.error_exit = dm_error_exit;
    jerr->pub.emit_message = dm_emit_message;
    jerr->err = err;
    jerr->errlen = errlen;
}

int dm_jpeg_info(const uint8_t *data, size_t size, int *width, int *height, int *components,
                 char *err, size_t errlen) {
    struct jpeg_decompress_struct cinfo;
    struct dm_error jerr;
    dm_setup(&cinfo, &jerr, err, errlen);
    if (setjmp(jerr.jump)) { jpeg_destroy_decompress(&cinfo); return -1; }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    *components = cinfo.num_components;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int dm_jpeg_decode(const uint8_t *data, size_t size, int channels, uint8_t *out, size_t outsize,
                   char *err, size_t errlen) {
    struct jpeg_decompress_struct cinfo;
    struct dm_error jerr;
    dm_setup(&cinfo, &jerr, err, errlen);
    if (setjmp(jerr.jump)) { jpeg_destroy_decompress(&cinfo); return -1; }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    /* CMYK and YCCK (print files) have no RGB conversion in libjpeg: read CMYK and convert here. */
    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    int inverted = cmyk && cinfo.saw_Adobe_marker;   /* Adobe writes CMYK inverted */
    cinfo.out_color_space = cmyk ? JCS_CMYK : (channels == 1 ? JCS_GRAYSCALE : JCS_RGB);
    jpeg_start_decompress(&cinfo);
    if (cmyk) {
        size_t stride = (size_t)cinfo.output_width * (size_t)channels;
        if ((int)cinfo.output_components != 4 || stride * cinfo.output_height > outsize) {
            snprintf(err, errlen, "decoded CMYK size %ux%u does not fit the buffer", cinfo.output_width, cinfo.output_height);
            jpeg_destroy_decompress(&cinfo);
            return -1;
        }
        JSAMPLE *cmykRow = malloc((size_t)cinfo.output_width * 4);
        if (!cmykRow) { snprintf(err, errlen, "out of memory"); jpeg_destroy_decompress(&cinfo); return -1; }
        while (cinfo.output_scanline < cinfo.output_height) {
            uint8_t *dst = out + stride * cinfo.output_scanline;
            JSAMPROW row = cmykRow;
            jpeg_read_scanlines(&cinfo, &row, 1);
            for (JDIMENSION x = 0; x < cinfo.output_width; x++) {
                int c = cmykRow[4 * x], m = cmykRow[4 * x + 1], y = cmykRow[4 * x + 2], k = cmykRow[4 * x + 3];
                if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                int r = c * k / 255, g = m * k / 255, b = y * k / 255;
                if (channels == 1) dst[x] = (uint8_t)((299 * r + 587 * g + 114 * b) / 1000);
                else { dst[3 * x] = (uint8_t)r; dst[3 * x + 1] = (uint8_t)g; dst[3 * x + 2] = (uint8_t)b; }
            }
        }
        free(cmykRow);
        jpeg_finish_decompress(&cinfo);
        jpeg_destroy_decompress(&cinfo);
        return 0;
    }
    size_t stride = (size_t)cinfo.output_width * (size_t)cinfo.output_components;
    if ((int)cinfo.output_components != channels || stride * cinfo.output_height > outsize) {
        snprintf(err, errlen, "decoded size %ux%ux%d does not fit the buffer", cinfo.output_width,
                 cinfo.output_height, cinfo.output_components);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = out + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int dm_jpeg_encode(const uint8_t *pixels, int width, int height, int channels, int quality,
                   uint8_t **out, size_t *outsize, char *err, size_t errlen) {
    struct jpeg_compress_struct cinfo;
    struct dm_error jerr;
    unsigned char *buf = NULL;
    unsigned long len = 0;
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = dm_error_exit;
    jerr.err = err;
    jerr.errlen = errlen;
    if (setjmp(jerr.jump)) { jpeg_destroy_compress(&cinfo); free(buf); return -1; }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &buf, &len);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    if (channels == 3 && quality >= 90) {
        // High quality keeps full chroma resolution (4:4:4); 4:2:0 would cap colour detail.
        cinfo.comp_info[0].h_samp_factor = 1;
        cinfo.comp_info[0].v_samp_factor = 1;
    }
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * (size_t)channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buf;
    *outsize = len;
    return 0;
}

void dm_jpeg_free(void *p) { free(p); }
