/* SPDX-License-Identifier: MIT */
/*
 * A small, strict, bounded JSON reader for blkring's own reports (what
 * `blkring compare` and `blkring ab` read back).  It parses a whole
 * document into a tree held in one allocation-owning struct json_doc and
 * answers lookups on it; it writes nothing.
 *
 * Strict: RFC 8259 and nothing more.  No comments, no trailing commas, no
 * NaN or Infinity, no single quotes, no control characters in strings, no
 * duplicate keys in one object, no bytes after the value but whitespace,
 * valid UTF-8 escapes (surrogate pairs paired).  Bounded: at most
 * JSON_MAX_BYTES of input and JSON_MAX_DEPTH levels of nesting, so a
 * hostile or truncated file costs bounded memory and stack.  Every error
 * names the file, the byte offset and what was expected there:
 *
 *   base.json: byte 1234: expected ',' or '}' after an object member
 *
 * Usage:
 *
 *   struct json_doc *doc;
 *   char err[256];
 *
 *   if (json_load("r.json", &doc, err, sizeof(err)) < 0)
 *           fprintf(stderr, "%s\n", err), exit 2;
 *   const struct json_value *m = json_get(json_root(doc), "metrics");
 *   for (size_t i = 0; i < json_count(m); i++)
 *           printf("%s = %g\n", json_key(m, i), json_num(json_at(m, i)));
 *   json_free(doc);
 *
 * Thread context: a document is immutable once parsed; any thread may read
 * it, one thread frees it.
 */
#ifndef BLKRING_BENCH_JSON_H
#define BLKRING_BENCH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The largest document json_parse() and json_load() accept. */
#define JSON_MAX_BYTES (64u << 20)
/* The deepest nesting of arrays and objects accepted. */
#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_doc;
struct json_value;

/*
 * Parses @len bytes of @text (need not be NUL-terminated) into *@out.
 * @name is what errors call the input (a file name).  Returns 0, or
 * -EINVAL (bad syntax, with "NAME: byte N: expected ..." in @err) or
 * -ENOMEM / -EFBIG.
 */
int json_parse(const char *text, size_t len, const char *name,
	       struct json_doc **out, char *err, size_t err_len)
	__attribute__((warn_unused_result));

/* Reads the file at @path and parses it as json_parse() does. */
int json_load(const char *path, struct json_doc **out, char *err,
	      size_t err_len) __attribute__((warn_unused_result));

void json_free(struct json_doc *doc);

/*
 * Writes @s as a JSON string: quotes and backslashes escaped, control
 * characters as \u00XX.  The writer side of reports, for report.c and
 * runset.c.  Any thread.
 */
void json_write_string(FILE *out, const char *s);

/*
 * Writes @v as a JSON number: integers below 9e15 exactly, others with
 * 6 significant digits, NaN and infinities as null (JSON has neither).
 */
void json_write_number(FILE *out, double v);

/* The top-level value; never NULL for a parsed document. */
const struct json_value *json_root(const struct json_doc *doc);

/* The type of @v; JSON_NULL for a NULL @v. */
enum json_type json_type(const struct json_value *v);

/* The member @key of object @obj, or NULL (also when @obj is not one). */
const struct json_value *json_get(const struct json_value *obj,
				  const char *key);

/* Members of an object or elements of an array; 0 for anything else. */
size_t json_count(const struct json_value *v);

/* The @i-th member or element, in document order; NULL past the end. */
const struct json_value *json_at(const struct json_value *v, size_t i);

/* The key of the @i-th member of an object; NULL if none. */
const char *json_key(const struct json_value *obj, size_t i);

/* The value of a number; NaN for anything else (null included). */
double json_num(const struct json_value *v);

/* The decoded text of a string (NUL-terminated); NULL for anything else. */
const char *json_str(const struct json_value *v);

/* The byte offset in the input where @v starts (for error messages). */
size_t json_offset(const struct json_value *v);

#endif
