/*
 * An experiment, not part of the product: how long would libxlsxwriter's workbook_close take at
 * another deflate level? libxlsxwriter 1.1.4 has no option for it (it asks minizip for
 * Z_DEFAULT_COMPRESSION, level 6); this library, preloaded, passes ZIPLEVEL instead.
 * docs/performance.md ("What is still above target") quotes its figures.
 *
 *   gcc -shared -fPIC -O2 -o /tmp/zip-level-shim.so scripts/zip-level-shim.c -ldl
 *   ZIPLEVEL=1 LD_PRELOAD=/tmp/zip-level-shim.so SIMULATE="--latency-ms 20" LOG_LEVEL=debug \
 *       scripts/run-fleet.sh .build/release/yunfu-report 1250 /tmp/run --concurrency 64
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>

typedef unsigned int uInt;
typedef unsigned long uLong;
typedef int (*open_fn)(void *, const char *, const void *, const void *, uInt, const void *, uInt,
                       const char *, int, int, int, int, int, int, const char *, uLong, uLong, uLong, int);

int zipOpenNewFileInZip4_64(void *file, const char *name, const void *info, const void *extra_local,
                            uInt extra_local_size, const void *extra_global, uInt extra_global_size,
                            const char *comment, int method, int level, int raw, int window_bits,
                            int mem_level, int strategy, const char *password, uLong crc,
                            uLong version_made_by, uLong flag_base, int zip64) {
    static open_fn real;
    if (!real) real = (open_fn)dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
    const char *wanted = getenv("ZIPLEVEL");
    if (wanted) level = atoi(wanted);
    return real(file, name, info, extra_local, extra_local_size, extra_global, extra_global_size, comment,
                method, level, raw, window_bits, mem_level, strategy, password, crc, version_made_by,
                flag_base, zip64);
}
