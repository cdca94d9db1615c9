/* Library version. */
#ifndef NXZ_VERSION_H
#define NXZ_VERSION_H

#define NXZ_VERSION_STRING "0.1.0"

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the library actually loaded, e.g. "0.1.0". */
const char* nxz_version(void);

#ifdef __cplusplus
}
#endif

#endif /* NXZ_VERSION_H */
