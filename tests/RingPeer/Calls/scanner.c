/* A stand-in for a vendor's 32-bit-only SDK: the end-to-end call tests build it with
 * gcc -m32 -shared (and -m64 for the other direction) and a host process loads it with P/Invoke.
 * Structs cross the call boundary by pointer, as a C SDK's do. */
#include <stdint.h>
#include <string.h>

typedef struct {
    int32_t width;
    int32_t height;
    int32_t dpi;
    uint8_t color;
} scan_request;

/* The pointer size the library was built for: 4 proves the call reached 32-bit code. */
int32_t scanner_pointer_size(void) { return (int32_t)sizeof(void *); }

/* Fills buffer with the scan of req (one byte per pixel, three with color): byte i is (i * 7 + dpi) mod 251.
 * Returns the bytes written, or -22 for a request the scanner refuses (no dpi, a size <= 0),
 * or -28 when the buffer is too small. */
int32_t scanner_scan(const scan_request *req, uint8_t *buffer, int32_t capacity)
{
    if (req->dpi <= 0 || req->width <= 0 || req->height <= 0) return -22;
    int64_t length = (int64_t)req->width * req->height * (req->color ? 3 : 1);
    if (length > capacity) return -28;
    for (int64_t i = 0; i < length; i++) buffer[i] = (uint8_t)((i * 7 + req->dpi) % 251);
    return (int32_t)length;
}

/* FNV-1a 32 of data. */
uint32_t scanner_checksum(const uint8_t *data, int32_t length)
{
    uint32_t hash = 2166136261u;
    for (int32_t i = 0; i < length; i++) { hash ^= data[i]; hash *= 16777619u; }
    return hash;
}
