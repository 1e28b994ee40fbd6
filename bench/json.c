// SPDX-License-Identifier: MIT
/*
 * The JSON reader (see json.h): recursive descent over the input, every
 * value a node in one array, strings decoded into one arena.  The arena
 * never needs more than the input's length plus one: a decoded string is
 * never longer than its escaped form, and its NUL takes the place of one
 * of its two quotes.  Nesting is bounded by JSON_MAX_DEPTH, the members
 * of one object by JSON_MAX_MEMBERS (the duplicate-key check is quadratic
 * in them).  Any thread; no global state.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/json.h"

/* Members of one object at most: the duplicate check is quadratic. */
#define JSON_MAX_MEMBERS 10000
/* Characters of one number at most (a double needs about 25). */
#define JSON_MAX_NUMBER 64

struct json_value {
	enum json_type type;
	size_t offset;	    /* where the value starts in the input */
	const char *key;    /* the member's key, in an object */
	const char *str;    /* JSON_STRING: decoded, in the arena */
	double num;	    /* JSON_NUMBER */
	size_t count;	    /* JSON_ARRAY, JSON_OBJECT */
	size_t first, next; /* child and sibling indices; 0 = none */
	size_t self;	    /* this node's own index */
};

struct json_doc {
	struct json_value *v; /* [0] unused: index 0 means "none" */
	size_t n, cap;
	char *arena;
	size_t used;
};

struct parser {
	const char *s;
	size_t len, pos;
	const char *name;
	struct json_doc *doc;
	char *err;
	size_t err_len;
	int depth;
};

static int fail(struct parser *p, const char *what)
{
	if (p->pos >= p->len)
		snprintf(p->err, p->err_len,
			 "%s: byte %zu (end of input): expected %s", p->name,
			 p->pos, what);
	else
		snprintf(p->err, p->err_len, "%s: byte %zu: expected %s",
			 p->name, p->pos, what);
	return -EINVAL;
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len &&
	       (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
		p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
		p->pos++;
}

static int peek(const struct parser *p)
{
	return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

/* A new node; its index, or 0 when out of memory. */
static size_t new_node(struct parser *p, enum json_type type)
{
	struct json_doc *d = p->doc;

	if (d->n >= d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct json_value *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			return 0;
		d->v = v;
		d->cap = cap;
	}
	memset(&d->v[d->n], 0, sizeof(d->v[0]));
	d->v[d->n].type = type;
	d->v[d->n].offset = p->pos;
	d->v[d->n].self = d->n;
	return d->n++;
}

static int hex4(struct parser *p, unsigned int *out)
{
	unsigned int v = 0;

	for (int i = 0; i < 4; i++) {
		int c = peek(p);

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return fail(p, "4 hex digits after \\u");
		p->pos++;
	}
	*out = v;
	return 0;
}

/* Appends code point @cp to the arena as UTF-8. */
static void put_utf8(struct json_doc *d, unsigned int cp)
{
	char *o = d->arena + d->used;

	if (cp < 0x80) {
		*o = (char)cp;
		d->used += 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		d->used += 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		d->used += 3;
	} else {
		o[0] = (char)(0xf0 | cp >> 18);
		o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		d->used += 4;
	}
}

/*
 * The string at the current position (on its opening quote), decoded
 * into the arena; *@out points at it.  A \uXXXX escape takes 6 input
 * bytes and gives at most 3 output bytes (a pair: 12 for 4), so the
 * arena bound in the file comment holds.
 */
static int parse_string(struct parser *p, const char **out)
{
	struct json_doc *d = p->doc;

	*out = d->arena + d->used;
	p->pos++; /* the opening quote */
	for (;;) {
		int c = peek(p);

		if (c < 0)
			return fail(p, "'\"' to close the string");
		if (c == '"') {
			p->pos++;
			d->arena[d->used++] = '\0';
			return 0;
		}
		if (c < 0x20)
			return fail(p, "no control character in a string "
				       "(escape it)");
		if (c != '\\') {
			d->arena[d->used++] = (char)c;
			p->pos++;
			continue;
		}
		p->pos++;
		c = peek(p);
		switch (c) {
		case '"':
		case '\\':
		case '/':
			d->arena[d->used++] = (char)c;
			break;
		case 'b':
			d->arena[d->used++] = '\b';
			break;
		case 'f':
			d->arena[d->used++] = '\f';
			break;
		case 'n':
			d->arena[d->used++] = '\n';
			break;
		case 'r':
			d->arena[d->used++] = '\r';
			break;
		case 't':
			d->arena[d->used++] = '\t';
			break;
		case 'u': {
			unsigned int cp, lo;

			p->pos++;
			if (hex4(p, &cp))
				return -EINVAL;
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				p->pos -= 4;
				return fail(p, "a high surrogate before a low "
					       "one");
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (peek(p) != '\\' || p->pos + 1 >= p->len ||
				    p->s[p->pos + 1] != 'u')
					return fail(p,
						    "\\u and a low surrogate "
						    "after a high one");
				p->pos += 2;
				if (hex4(p, &lo))
					return -EINVAL;
				if (lo < 0xdc00 || lo > 0xdfff) {
					p->pos -= 4;
					return fail(p, "a low surrogate "
						       "(DC00..DFFF)");
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
			}
			if (cp == 0) {
				p->pos -= 4;
				return fail(p, "no \\u0000 (NUL) in a string");
			}
			put_utf8(d, cp);
			continue; /* hex4() moved past the digits */
		}
		default:
			return fail(p, "an escape: \\\" \\\\ \\/ \\b \\f \\n "
				       "\\r \\t or \\uXXXX");
		}
		p->pos++;
	}
}

static bool digit(int c)
{
	return c >= '0' && c <= '9';
}

/* RFC 8259's number grammar, checked before strtod() reads it. */
static int parse_number(struct parser *p, size_t node)
{
	size_t start = p->pos;
	char buf[JSON_MAX_NUMBER + 1];

	if (peek(p) == '-')
		p->pos++;
	if (peek(p) == '0') {
		p->pos++;
		if (digit(peek(p)))
			return fail(p, "no leading zero in a number");
	} else if (digit(peek(p))) {
		while (digit(peek(p)))
			p->pos++;
	} else {
		return fail(p, "a digit");
	}
	if (peek(p) == '.') {
		p->pos++;
		if (!digit(peek(p)))
			return fail(p, "a digit after '.'");
		while (digit(peek(p)))
			p->pos++;
	}
	if (peek(p) == 'e' || peek(p) == 'E') {
		p->pos++;
		if (peek(p) == '+' || peek(p) == '-')
			p->pos++;
		if (!digit(peek(p)))
			return fail(p, "a digit in the exponent");
		while (digit(peek(p)))
			p->pos++;
	}
	if (p->pos - start > JSON_MAX_NUMBER) {
		p->pos = start;
		return fail(p, "a number of at most 64 characters");
	}
	memcpy(buf, p->s + start, p->pos - start);
	buf[p->pos - start] = '\0';
	p->doc->v[node].num = strtod(buf, NULL);
	if (!isfinite(p->doc->v[node].num)) {
		p->pos = start;
		return fail(p, "a number within the range of a double");
	}
	return 0;
}

static int parse_value(struct parser *p, size_t *out);

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n))
		return false;
	p->pos += n;
	return true;
}

/* Links child @c after @last (0: as the first child of @parent). */
static void link_child(struct json_doc *d, size_t parent, size_t last, size_t c)
{
	if (last)
		d->v[last].next = c;
	else
		d->v[parent].first = c;
	d->v[parent].count++;
}

static int parse_array(struct parser *p, size_t node)
{
	size_t last = 0, c;

	p->pos++;
	skip_ws(p);
	if (peek(p) == ']') {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (parse_value(p, &c))
			return -EINVAL;
		link_child(p->doc, node, last, c);
		last = c;
		skip_ws(p);
		if (peek(p) == ']') {
			p->pos++;
			return 0;
		}
		if (peek(p) != ',')
			return fail(p, "',' or ']' after an array element");
		p->pos++;
		skip_ws(p);
	}
}

static int parse_object(struct parser *p, size_t node)
{
	size_t last = 0, c, key_at;
	const char *key;

	p->pos++;
	skip_ws(p);
	if (peek(p) == '}') {
		p->pos++;
		return 0;
	}
	for (;;) {
		if (peek(p) != '"')
			return fail(p, "'\"' to start a member's key");
		key_at = p->pos;
		if (parse_string(p, &key))
			return -EINVAL;
		for (size_t i = p->doc->v[node].first; i; i = p->doc->v[i].next)
			if (!strcmp(p->doc->v[i].key, key)) {
				p->pos = key_at;
				return fail(p, "a key not used before in this "
					       "object (duplicate)");
			}
		if (p->doc->v[node].count == JSON_MAX_MEMBERS) {
			p->pos = key_at;
			return fail(p, "at most 10000 members in an object");
		}
		skip_ws(p);
		if (peek(p) != ':')
			return fail(p, "':' after a member's key");
		p->pos++;
		skip_ws(p);
		if (parse_value(p, &c))
			return -EINVAL;
		p->doc->v[c].key = key;
		link_child(p->doc, node, last, c);
		last = c;
		skip_ws(p);
		if (peek(p) == '}') {
			p->pos++;
			return 0;
		}
		if (peek(p) != ',')
			return fail(p, "',' or '}' after an object member");
		p->pos++;
		skip_ws(p);
	}
}

/* The value at the current position (no leading space); its node. */
static int parse_value(struct parser *p, size_t *out)
{
	int c = peek(p), rc = 0;
	enum json_type t;
	size_t node;

	switch (c) {
	case '{':
		t = JSON_OBJECT;
		break;
	case '[':
		t = JSON_ARRAY;
		break;
	case '"':
		t = JSON_STRING;
		break;
	case 't':
		t = JSON_TRUE;
		break;
	case 'f':
		t = JSON_FALSE;
		break;
	case 'n':
		t = JSON_NULL;
		break;
	default:
		if (c != '-' && !digit(c))
			return fail(p, "a value (object, array, string, "
				       "number, true, false or null)");
		t = JSON_NUMBER;
		break;
	}
	node = new_node(p, t);
	if (!node) {
		snprintf(p->err, p->err_len, "%s: out of memory", p->name);
		return -EINVAL;
	}
	*out = node;
	switch (t) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (++p->depth > JSON_MAX_DEPTH)
			return fail(p, "at most 64 levels of nesting");
		rc = t == JSON_OBJECT ? parse_object(p, node) :
					parse_array(p, node);
		p->depth--;
		return rc;
	case JSON_STRING:
		return parse_string(p, &p->doc->v[node].str);
	case JSON_NUMBER:
		return parse_number(p, node);
	case JSON_TRUE:
		return literal(p, "true") ? 0 : fail(p, "true");
	case JSON_FALSE:
		return literal(p, "false") ? 0 : fail(p, "false");
	default:
		return literal(p, "null") ? 0 : fail(p, "null");
	}
}

int json_parse(const char *text, size_t len, const char *name,
	       struct json_doc **out, char *err, size_t err_len)
{
	struct parser p = { .s = text,
			    .len = len,
			    .name = name,
			    .err = err,
			    .err_len = err_len };
	struct json_doc *d;
	size_t root;
	int rc;

	*out = NULL;
	if (len > JSON_MAX_BYTES) {
		snprintf(err, err_len, "%s: %zu bytes (allowed: at most %u)",
			 name, len, JSON_MAX_BYTES);
		return -EFBIG;
	}
	d = calloc(1, sizeof(*d));
	if (d)
		d->arena = malloc(len + 1);
	if (!d || !d->arena)
		goto err_nomem;
	d->n = 1; /* index 0 means "none" */
	p.doc = d;
	skip_ws(&p);
	rc = parse_value(&p, &root);
	if (rc == 0) {
		skip_ws(&p);
		if (p.pos != p.len)
			rc = fail(&p, "the end of the input after the value");
	}
	if (rc) {
		json_free(d);
		return rc;
	}
	*out = d;
	return 0;

err_nomem:
	if (d)
		free(d->arena);
	free(d);
	snprintf(err, err_len, "%s: out of memory", name);
	return -ENOMEM;
}

int json_load(const char *path, struct json_doc **out, char *err,
	      size_t err_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	if (!f) {
		rc = -errno;
		snprintf(err, err_len, "%s: cannot open: %s", path,
			 strerror(errno));
		return rc;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			char *b;

			if (cap > JSON_MAX_BYTES) {
				snprintf(err, err_len,
					 "%s: larger than %u bytes", path,
					 JSON_MAX_BYTES);
				rc = -EFBIG;
				goto out;
			}
			cap = cap ? 2 * cap : 65536;
			b = realloc(buf, cap);
			if (!b) {
				snprintf(err, err_len, "%s: out of memory",
					 path);
				rc = -ENOMEM;
				goto out;
			}
			buf = b;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, err_len, "%s: read error", path);
		rc = -EIO;
		goto out;
	}
	rc = json_parse(buf, n, path, out, err, err_len);
out:
	free(buf);
	fclose(f);
	return rc;
}

void json_write_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void json_write_number(FILE *out, double v)
{
	if (!isfinite(v))
		fputs("null", out);
	else if (v == floor(v) && fabs(v) < 9e15)
		fprintf(out, "%.0f", v);
	else
		fprintf(out, "%.6g", v);
}

void json_free(struct json_doc *doc)
{
	if (!doc)
		return;
	free(doc->v);
	free(doc->arena);
	free(doc);
}

/*
 * A value's node lives in its document's array, which does not move once
 * parsing is over: a node finds its children and siblings by index from
 * its own address and index (v - v->self is node 0).
 */
const struct json_value *json_root(const struct json_doc *doc)
{
	return &doc->v[1];
}

enum json_type json_type(const struct json_value *v)
{
	return v ? v->type : JSON_NULL;
}

/* Node @k of the document that holds @v. */
static const struct json_value *node_at(const struct json_value *v, size_t k)
{
	return v - v->self + k;
}

const struct json_value *json_at(const struct json_value *v, size_t i)
{
	size_t k;

	if (!v || (v->type != JSON_ARRAY && v->type != JSON_OBJECT) ||
	    i >= v->count)
		return NULL;
	k = v->first;
	while (i--)
		k = node_at(v, k)->next;
	return node_at(v, k);
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t k = obj->first; k; k = node_at(obj, k)->next)
		if (!strcmp(node_at(obj, k)->key, key))
			return node_at(obj, k);
	return NULL;
}

size_t json_count(const struct json_value *v)
{
	return v && (v->type == JSON_ARRAY || v->type == JSON_OBJECT) ?
		       v->count :
		       0;
}

const char *json_key(const struct json_value *obj, size_t i)
{
	const struct json_value *v;

	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	v = json_at(obj, i);
	return v ? v->key : NULL;
}

double json_num(const struct json_value *v)
{
	return v && v->type == JSON_NUMBER ? v->num : NAN;
}

const char *json_str(const struct json_value *v)
{
	return v && v->type == JSON_STRING ? v->str : NULL;
}

size_t json_offset(const struct json_value *v)
{
	return v ? v->offset : 0;
}
