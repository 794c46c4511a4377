/*
** test_sha256.c: the digest that identifies a source, in both implementations (the CPU's
** SHA extensions where present, the portable code always), against the test vectors of
** FIPS 180-2 appendix B and against corpus 10_gzip_rotated/sha256.txt, through the binary
** (gzip is decompressed first: the digest is of the content).
*/
#include "testutil.h"

#include "sha256.h"

static void digest(const void *p, size_t n, int hw, size_t chunk, char hex[65]) {
  gcw_sha256 c;
  gcw_sha256_init(&c);
  if (!hw)
    c.hw = 0; /* force the portable code */
  const unsigned char *b = p;
  for (size_t at = 0; at < n; at += chunk)
    gcw_sha256_update(&c, b + at, n - at < chunk ? n - at : chunk);
  gcw_sha256_hex(&c, hex);
}

static void test_fips_vectors(void **state) {
  (void)state;
  static const struct {
    const char *msg;
    const char *hex;
  } v[] = {
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
  };
  char hex[65];
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    for (int hw = 0; hw < 2; hw++)
      for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
        digest(v[i].msg, strlen(v[i].msg), hw, chunk, hex);
        assert_string_equal(hex, v[i].hex);
      }
  /* one million 'a' (FIPS 180-2 B.3) */
  char *a = malloc(1000000);
  memset(a, 'a', 1000000);
  for (int hw = 0; hw < 2; hw++) {
    digest(a, 1000000, hw, 1000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  }
  free(a);
}

static void test_corpus_digest(void **state) {
  (void)state;
  char db[512], path[512], got[80];
  tu_tmp(db, sizeof db, "sha.db");
  tu_corpus(path, sizeof path, "10_gzip_rotated/gctrace.log.1.gz");
  char *argv[] = {(char *)tu_bin(), "analyze", "--quiet", "--db", db, path, NULL};
  assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
  /* 10_gzip_rotated/sha256.txt: "d137a7d1... gunzip(gctrace.log.1.gz)" */
  assert_string_equal(tu_db_text(db, "SELECT sha256 FROM sources", got, sizeof got),
                      "d137a7d1c8f725c62bfdf57a65668f2caad6aa701e5619afaedab643e7a1f6b9");
  assert_string_equal(tu_db_text(db, "SELECT kind FROM source_files", got, sizeof got), "gzip");
  assert_int_equal(tu_db_int(db, "SELECT count(*) FROM gc_cycles"), 1621);
  tu_rm_db(db);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fips_vectors),
      cmocka_unit_test(test_corpus_digest),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
