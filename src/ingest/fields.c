/* fields.c: the table form of fields.h, and lookup by name. */
#include "fields.h"

#include <string.h>

const gcw_field_info gcw_field_infos[GCW_NFIELDS] = {
#define GCW_FIELD_INFO(name, type, unit, tables, doc) {#name, GCW_##type, unit, tables, doc},
    GCW_FIELDS(GCW_FIELD_INFO)
#undef GCW_FIELD_INFO
};

int gcw_field_lookup(const char *name, size_t len) {
  for (int i = 0; i < GCW_NFIELDS; i++) {
    const char *n = gcw_field_infos[i].name;
    if (strlen(n) == len && memcmp(n, name, len) == 0)
      return i;
  }
  return -1;
}
