// SPDX-License-Identifier: MIT
/*
 * Tests of bench/json: a document of every type read back, string
 * escapes and UTF-8, numbers, and a table of malformed inputs, each with
 * the byte offset and the expectation its error must name; nesting and
 * size bounds; json_load() on a missing file.  Single-threaded.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/json.h"
#include "tests/cu_main.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static struct json_doc *parse(const char *s, char *err, size_t len)
{
	struct json_doc *d = NULL;

	if (json_parse(s, strlen(s), "t.json", &d, err, len) < 0)
		return NULL;
	return d;
}

static void test_document(void)
{
	static const char text[] =
		" {\"a\": 1, \"b\": [true, false, null, -2.5e3, \"x\"],\n"
		"  \"c\": {\"d\": {}}, \"e\": [] }\t\n";
	char err[256];
	struct json_doc *d = parse(text, err, sizeof(err));
	const struct json_value *r, *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	r = json_root(d);
	CU_ASSERT_EQUAL(json_type(r), JSON_OBJECT);
	CU_ASSERT_EQUAL(json_count(r), 4);
	CU_ASSERT_STRING_EQUAL(json_key(r, 0), "a");
	CU_ASSERT_STRING_EQUAL(json_key(r, 3), "e");
	CU_ASSERT_PTR_NULL(json_key(r, 4));
	CU_ASSERT_EQUAL(json_num(json_get(r, "a")), 1.0);
	b = json_get(r, "b");
	CU_ASSERT_EQUAL(json_type(b), JSON_ARRAY);
	CU_ASSERT_EQUAL(json_count(b), 5);
	CU_ASSERT_EQUAL(json_type(json_at(b, 0)), JSON_TRUE);
	CU_ASSERT_EQUAL(json_type(json_at(b, 1)), JSON_FALSE);
	CU_ASSERT_EQUAL(json_type(json_at(b, 2)), JSON_NULL);
	CU_ASSERT_EQUAL(json_num(json_at(b, 3)), -2500.0);
	CU_ASSERT_STRING_EQUAL(json_str(json_at(b, 4)), "x");
	CU_ASSERT_PTR_NULL(json_at(b, 5));
	CU_ASSERT(isnan(json_num(json_at(b, 4))));
	CU_ASSERT_PTR_NULL(json_str(json_at(b, 3)));
	CU_ASSERT_EQUAL(json_count(json_get(json_get(r, "c"), "d")), 0);
	CU_ASSERT_EQUAL(json_type(json_get(r, "e")), JSON_ARRAY);
	CU_ASSERT_PTR_NULL(json_get(r, "zz"));
	CU_ASSERT_PTR_NULL(json_get(b, "a")); /* not an object */
	CU_ASSERT_EQUAL(json_offset(json_get(r, "a")), 7);
	json_free(d);
}

static void test_strings(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "\"\"", "" },
		{ "\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d" },
		{ "\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t" },
		{ "\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac" },
		{ "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80" },
		{ "\"caf\xc3\xa9\"", "caf\xc3\xa9" },
	};
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct json_doc *d = parse(cases[i].in, err, sizeof(err));

		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_STRING_EQUAL(json_str(json_root(d)), cases[i].out);
		json_free(d);
	}
}

static void test_numbers(void)
{
	static const struct {
		const char *in;
		double v;
	} cases[] = {
		{ "0", 0 },	    { "-0", 0 },
		{ "12", 12 },	    { "1.5", 1.5 },
		{ "1e3", 1000 },    { "1E+2", 100 },
		{ "2.5e-1", 0.25 }, { "123456789012345", 123456789012345.0 },
	};
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct json_doc *d = parse(cases[i].in, err, sizeof(err));

		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_ASSERT_DOUBLE_EQUAL(json_num(json_root(d)), cases[i].v,
				       1e-9);
		json_free(d);
	}
}

/* Malformed inputs: the error names the offset and what was expected. */
static void test_errors(void)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "", "t.json: byte 0 (end of input): expected a value" },
		{ "{", "byte 1 (end of input): expected '\"' to start" },
		{ "{\"a\":1,}",
		  "byte 7: expected '\"' to start a member's key" },
		{ "[1,]", "byte 3: expected a value" },
		{ "[1 2]", "byte 3: expected ',' or ']'" },
		{ "{\"a\" 1}", "byte 5: expected ':' after a member's key" },
		{ "{\"a\":1 \"b\":2}", "byte 7: expected ',' or '}'" },
		{ "{\"a\":1,\"a\":2}",
		  "byte 7: expected a key not used before" },
		{ "01", "byte 1: expected no leading zero" },
		{ "1.", "byte 2 (end of input): expected a digit after '.'" },
		{ "1e", "expected a digit in the exponent" },
		{ "-", "byte 1 (end of input): expected a digit" },
		{ "NaN", "byte 0: expected a value" },
		{ "1e999", "byte 0: expected a number within the range" },
		{ "tru", "byte 0: expected true" },
		{ "nul", "byte 0: expected null" },
		{ "\"abc", "expected '\"' to close the string" },
		{ "\"a\nb\"", "byte 2: expected no control character" },
		{ "\"\\x\"", "byte 2: expected an escape" },
		{ "\"\\u12g4\"", "expected 4 hex digits after \\u" },
		{ "\"\\ud800\"", "expected \\u and a low surrogate" },
		{ "\"\\udc00\"", "byte 3: expected a high surrogate" },
		{ "\"\\ud800\\u0041\"",
		  "expected a low surrogate (DC00..DFFF)" },
		{ "\"\\u0000\"", "expected no \\u0000" },
		{ "{} {}", "byte 3: expected the end of the input" },
		{ "// c\n1", "byte 0: expected a value" },
		{ "'a'", "byte 0: expected a value" },
	};
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct json_doc *d = parse(cases[i].in, err, sizeof(err));

		CU_ASSERT_PTR_NULL(d);
		if (!strstr(err, cases[i].msg))
			fprintf(stderr, "case %zu '%s': got '%s', want '%s'\n",
				i, cases[i].in, err, cases[i].msg);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].msg));
		json_free(d);
	}
}

static void test_bounds(void)
{
	char *deep = malloc(2 * (JSON_MAX_DEPTH + 1) + 1);
	struct json_doc *d;
	char err[256];
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(deep);
	/* JSON_MAX_DEPTH levels parse, one more does not. */
	for (int depth = JSON_MAX_DEPTH; depth <= JSON_MAX_DEPTH + 1; depth++) {
		memset(deep, '[', (size_t)depth);
		memset(deep + depth, ']', (size_t)depth);
		deep[2 * depth] = '\0';
		d = parse(deep, err, sizeof(err));
		if (depth == JSON_MAX_DEPTH) {
			CU_ASSERT_PTR_NOT_NULL(d);
		} else {
			CU_ASSERT_PTR_NULL(d);
			CU_ASSERT_PTR_NOT_NULL(
				strstr(err, "levels of nesting"));
		}
		json_free(d);
	}
	free(deep);
	rc = json_parse("1", (size_t)JSON_MAX_BYTES + 1, "big", &d, err,
			sizeof(err));
	CU_ASSERT_EQUAL(rc, -EFBIG);
	CU_ASSERT_PTR_NULL(d);
	/* Bytes past len are not read: "12" with len 1 is the number 1. */
	CU_ASSERT_EQUAL(json_parse("12", 1, "n", &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(json_num(json_root(d)), 1.0);
	json_free(d);
}

static void test_load(void)
{
	char path[] = "/tmp/blkring-test-json-XXXXXX";
	struct json_doc *d;
	char err[512];
	int fd = mkstemp(path);
	FILE *f;

	CU_ASSERT_FATAL(fd >= 0);
	f = fdopen(fd, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("{\"k\": [1, 2, 3]}\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(json_load(path, &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(json_count(json_get(json_root(d), "k")), 3);
	json_free(d);
	unlink(path);
	CU_ASSERT_EQUAL(json_load(path, &d, err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, path));
}

int cu_register(void)
{
	CU_pSuite s = CU_add_suite("json", NULL, NULL);

	CU_ADD_TEST(s, test_document);
	CU_ADD_TEST(s, test_strings);
	CU_ADD_TEST(s, test_numbers);
	CU_ADD_TEST(s, test_errors);
	CU_ADD_TEST(s, test_bounds);
	CU_ADD_TEST(s, test_load);
	return 0;
}
