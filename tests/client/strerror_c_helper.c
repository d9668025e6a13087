/* C side of the gearman_strerror range test: in C any int converts to
 * gearman_return_t, as real callers do; in C++ that conversion is undefined. */
#include <libgearman/gearman.h>

const char* gearspec_test_strerror_of_int(int value);

const char* gearspec_test_strerror_of_int(int value) { return gearman_strerror((gearman_return_t)value); }
