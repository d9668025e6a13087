/* The real libgearman header's values for the sampled names. Kept in a C file
 * of its own: the C API's header defines the same names. */
/* libgearman-1.0/return.h uses bool without including stdbool.h. */
/* clang-format off */
#include <stdbool.h>
#include <stddef.h>
#include <libgearman-1.0/return.h>
/* clang-format on */

#include "sampled_return_codes.h"

extern const struct gearspec_sampled_code gearspec_libgearman_codes[];
extern const size_t gearspec_libgearman_code_count;

#define GEARSPEC_REAL_CODE(name) {#name, GEARMAN_##name},
const struct gearspec_sampled_code gearspec_libgearman_codes[] = {
    GEARSPEC_SAMPLED_RETURN_CODES(GEARSPEC_REAL_CODE)};
const size_t gearspec_libgearman_code_count =
    sizeof gearspec_libgearman_codes / sizeof gearspec_libgearman_codes[0];
