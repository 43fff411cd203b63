/* fmt.c: display formatting of sizes, counts and money, and the escaping
 * of text from data in what people read (fmt_int.h). */
#include "gpusizer/money.h"
#include "gpusizer/output.h"
#include "util/fmt_int.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *gsz__fmt_ratio(char buf[GSZ_FMT_MAX], uint64_t value, uint64_t divisor,
                           unsigned decimals) {
  uint64_t scale = 1;
  for (unsigned i = 0; i < decimals; i++)
    scale *= 10;
  uint64_t whole = value / divisor, rem = value % divisor;
  /* rem < divisor <= 2^40 here and scale <= 10^4: rem * scale cannot
   * overflow for the divisors we use; fall back to long division if so. */
  unsigned __int128 frac = ((unsigned __int128)rem * scale + divisor / 2) / divisor;
  if (frac >= scale) {
    whole++;
    frac -= scale;
  }
  if (decimals == 0)
    snprintf(buf, GSZ_FMT_MAX, "%llu", (unsigned long long)whole);
  else
    snprintf(buf, GSZ_FMT_MAX, "%llu.%0*llu", (unsigned long long)whole, (int)decimals,
             (unsigned long long)frac);
  return buf;
}

const char *gsz__fmt_gib(char buf[GSZ_FMT_MAX], uint64_t bytes) {
  char num[GSZ_FMT_MAX];
  snprintf(buf, GSZ_FMT_MAX, "%.40s GiB", gsz__fmt_ratio(num, bytes, (uint64_t)1 << 30, 2));
  return buf;
}

const char *gsz__fmt_gb(char buf[GSZ_FMT_MAX], uint64_t bytes) {
  char num[GSZ_FMT_MAX];
  snprintf(buf, GSZ_FMT_MAX, "%.40s GB", gsz__fmt_ratio(num, bytes, 1000000000u, 2));
  return buf;
}

const char *gsz__fmt_group(char buf[GSZ_FMT_MAX], uint64_t value) {
  char rev[32];
  size_t n = 0;
  unsigned digits = 0;
  do {
    if (digits > 0 && digits % 3 == 0)
      rev[n++] = ',';
    rev[n++] = (char)('0' + value % 10);
    value /= 10;
    digits++;
  } while (value > 0);
  for (size_t i = 0; i < n; i++)
    buf[i] = rev[n - 1 - i];
  buf[n] = '\0';
  return buf;
}

const char *gsz__fmt_milli1(char buf[GSZ_FMT_MAX], uint64_t milli) {
  char whole[GSZ_FMT_MAX];
  snprintf(buf, GSZ_FMT_MAX, "%s.%llu", gsz__fmt_group(whole, milli / 1000),
           (unsigned long long)(milli % 1000 / 100));
  return buf;
}

const char *gsz__fmt_money(char buf[GSZ_FMT_MAX], int64_t minor, unsigned digits,
                           const char *currency) {
  char num[GSZ_FMT_MAX];
  gsz_money_format(num, sizeof num, minor, digits, true);
  snprintf(buf, GSZ_FMT_MAX, "%.40s %.8s", num, currency);
  return buf;
}

const char *gsz__fmt_tenths(char buf[GSZ_FMT_MAX], double value) {
  if (!(value >= 0) || value > 1e15) /* NaN or absurd: say so, do not guess */
    return gsz__fmt_real(buf, value);
  uint64_t tenths = (uint64_t)(value * 10 + 0.5);
  snprintf(buf, GSZ_FMT_MAX, "%llu.%llu", (unsigned long long)(tenths / 10),
           (unsigned long long)(tenths % 10));
  return buf;
}

const char *gsz__fmt_real(char buf[GSZ_FMT_MAX], double value) {
  snprintf(buf, GSZ_FMT_MAX, "%.10g", value);
  for (char *p = buf; *p; p++)
    if (*p == ',')
      *p = '.'; /* a comma-decimal locale set by an embedding program */
  return buf;
}

/* --- Text from data, for people ------------------------------------------------ */

/* The length of the well-formed UTF-8 sequence at s (at most n bytes): 2
 * to 4, or 0 when the bytes there are not one (a stray continuation byte,
 * an overlong form, a surrogate, beyond U+10FFFF, cut short). */
static size_t utf8_sequence(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
  if (c >= 0xC2 && c <= 0xDF)
    len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80; /* overlong */
    hi = c == 0xED ? 0x9F : 0xBF; /* surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  } else
    return 0;
  if (n < len || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return len;
}

/* Whether the bytes at s need escaping under flags; *len is how many bytes
 * form the character there. */
static bool needs_escape(const unsigned char *s, size_t n, unsigned flags, size_t *len) {
  *len = 1;
  if (s[0] < 0x20)
    return s[0] != '\n' || (flags & GSZ_ESC_NEWLINE);
  if (s[0] == 0x7F)
    return true;
  if (s[0] == '|')
    return (flags & GSZ_ESC_PIPE) != 0;
  if (s[0] < 0x80)
    return false;
  if ((*len = utf8_sequence(s, n)) == 0) {
    *len = 1;
    return true;
  }
  return *len == 2 && s[0] == 0xC2 && s[1] <= 0x9F; /* C1 controls: U+0080..U+009F */
}

/* The length of the character at u[i] when it is valid UTF-8 other than
 * NUL, else 0. */
static size_t valid_char(const unsigned char *u, size_t i, size_t n) {
  if (u[i] == 0)
    return 0;
  return u[i] < 0x80 ? 1 : utf8_sequence(u + i, n - i);
}

bool gsz__utf8_needs_repair(const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0, len; i < n; i += len)
    if ((len = valid_char(u, i, n)) == 0)
      return true;
  return false;
}

void gsz__utf8_repair(gsz__buf *b, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t copied = 0; /* bytes of s already in b */
  for (size_t i = 0, len; i < n; i += len) {
    if ((len = valid_char(u, i, n)) != 0)
      continue;
    gsz__buf_append(b, s + copied, i - copied);
    gsz__buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD for this byte */
    len = 1;
    copied = i + 1;
  }
  gsz__buf_append(b, s + copied, n - copied);
}

bool gsz__text_needs_escape(const char *s, size_t n, unsigned flags) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0, len; i < n; i += len)
    if (needs_escape(u + i, n - i, flags, &len))
      return true;
  return false;
}

/* The escape for the len bytes at u that need one, into piece (at least 8
 * bytes); returns its length. */
static size_t escape_one(char piece[8], const unsigned char *u, size_t len) {
  switch (u[0]) {
  case '\n':
    return (size_t)snprintf(piece, 8, "\\n");
  case '\r':
    return (size_t)snprintf(piece, 8, "\\r");
  case '\t':
    return (size_t)snprintf(piece, 8, "\\t");
  case '|':
    return (size_t)snprintf(piece, 8, "\\|");
  default:
    if (len == 2) /* a C1 control, shown as the code point it is */
      return (size_t)snprintf(piece, 8, "\\u%04x", (unsigned)u[1]);
    return (size_t)snprintf(piece, 8, "\\x%02x", (unsigned)u[0]);
  }
}

void gsz__text_escape(gsz__buf *b, const char *s, size_t n, unsigned flags) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, len = 1; /* set by needs_escape; GCC -O2 cannot tell */
  while (i < n) {
    size_t run = i; /* copy what needs nothing in one piece */
    while (run < n && !needs_escape(u + run, n - run, flags, &len))
      run += len;
    gsz__buf_append(b, s + i, run - i);
    if (run == n)
      break;
    char piece[8];
    gsz__buf_append(b, piece, escape_one(piece, u + run, len));
    i = run + len;
  }
}

const char *gsz_report_escape(char *dst, size_t size, const char *src) {
  const unsigned char *u = (const unsigned char *)src;
  size_t n = strlen(src), used = 0, len;
  for (size_t i = 0; i < n; i += len) {
    char piece[8];
    size_t plen = len = 1;
    if (needs_escape(u + i, n - i, GSZ_ESC_NEWLINE, &len))
      plen = escape_one(piece, u + i, len);
    else
      memcpy(piece, src + i, plen = len);
    if (plen >= size - used)
      break; /* whole characters only */
    memcpy(dst + used, piece, plen);
    used += plen;
  }
  dst[used] = '\0';
  return dst;
}

void gsz__text_sanitize(gsz__buf *b) {
  if (b->err != GSZ_OK || b->len == 0 || !gsz__text_needs_escape(b->data, b->len, 0))
    return;
  gsz__buf clean;
  gsz__buf_init(&clean);
  gsz__text_escape(&clean, b->data, b->len, 0);
  if (clean.err != GSZ_OK) {
    b->err = clean.err; /* never hand out the unescaped text */
    gsz__buf_release(&clean);
    return;
  }
  gsz__buf_release(b);
  *b = clean;
}

/* Append s escaped, padded with spaces to width code points (on the left
 * unless left_align). */
static void padded_text(gsz__buf *b, const char *s, size_t n, size_t width, bool left_align) {
  size_t start = b->len;
  gsz__text_escape(b, s, n, GSZ_ESC_NEWLINE);
  if (b->err != GSZ_OK)
    return;
  size_t shown = 0;
  for (size_t i = start; i < b->len; i++)
    shown += ((unsigned char)b->data[i] & 0xC0) != 0x80;
  if (shown >= width)
    return;
  if (left_align) {
    gsz__buf_repeat(b, ' ', width - shown);
    return;
  }
  size_t text_len = b->len - start, pad = width - shown;
  gsz__buf_repeat(b, ' ', pad); /* make room, then move the text right */
  if (b->err == GSZ_OK) {
    memmove(b->data + start + pad, b->data + start, text_len);
    memset(b->data + start, ' ', pad);
  }
}

/* One conversion of gsz__text_printf, parsed. */
typedef struct conv_spec {
  char flags[8];
  int width, precision; /* -1: none */
  char length[3];       /* "", "h", "hh", "l", "ll", "z", "j", "t" */
  char conv;
} conv_spec;

/* Parse the conversion after a '%'; returns where it ends, or NULL for one
 * gsz__text_printf does not take (floating point, %n, %p). */
static const char *parse_conv(conv_spec *c, const char *p) {
  memset(c, 0, sizeof *c);
  c->width = c->precision = -1;
  size_t nf = 0;
  while (*p != '\0' && strchr("-+ #0", *p) != NULL && nf < sizeof c->flags - 1)
    c->flags[nf++] = *p++;
  if (*p == '*') {
    c->width = -2; /* from the arguments */
    p++;
  } else if (*p >= '0' && *p <= '9') {
    c->width = 0;
    while (*p >= '0' && *p <= '9' && c->width < 1000)
      c->width = c->width * 10 + (*p++ - '0');
  }
  if (*p == '.') {
    p++;
    c->precision = 0;
    if (*p == '*') {
      c->precision = -2;
      p++;
    }
    while (*p >= '0' && *p <= '9' && c->precision < 1000000)
      c->precision = c->precision * 10 + (*p++ - '0');
  }
  size_t nl = 0;
  while (*p != '\0' && strchr("hlzjt", *p) != NULL && nl < sizeof c->length - 1)
    c->length[nl++] = *p++;
  c->conv = *p;
  if (c->conv == '\0' || strchr("diuxXocs%", c->conv) == NULL)
    return NULL;
  return p + 1;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* specs rebuilt from a checked format */

/* An integer conversion: the spec rebuilt with "ll" so one call serves
 * every length. */
static void put_integer(gsz__buf *b, const conv_spec *c, long long sv, unsigned long long uv) {
  char spec[40], out[2048]; /* width and precision are at most 1000 */
  int n = snprintf(spec, sizeof spec, "%%%s", c->flags);
  if (c->width >= 0)
    n += snprintf(spec + n, sizeof spec - (size_t)n, "%d", c->width);
  if (c->precision >= 0)
    n += snprintf(spec + n, sizeof spec - (size_t)n, ".%d", c->precision);
  snprintf(spec + n, sizeof spec - (size_t)n, "ll%c", c->conv);
  if (c->conv == 'd' || c->conv == 'i')
    snprintf(out, sizeof out, spec, sv);
  else
    snprintf(out, sizeof out, spec, uv);
  gsz__buf_puts(b, out);
}

#pragma GCC diagnostic pop

static long long signed_arg(const conv_spec *c, va_list *ap) {
  if (strcmp(c->length, "l") == 0)
    return va_arg(*ap, long);
  if (strcmp(c->length, "ll") == 0)
    return va_arg(*ap, long long);
  if (strcmp(c->length, "j") == 0)
    return va_arg(*ap, intmax_t);
  if (strcmp(c->length, "t") == 0 || strcmp(c->length, "z") == 0)
    return va_arg(*ap, ptrdiff_t);
  return va_arg(*ap, int); /* hh and h arrive promoted */
}

static unsigned long long unsigned_arg(const conv_spec *c, va_list *ap) {
  if (strcmp(c->length, "l") == 0)
    return va_arg(*ap, unsigned long);
  if (strcmp(c->length, "ll") == 0)
    return va_arg(*ap, unsigned long long);
  if (strcmp(c->length, "j") == 0)
    return va_arg(*ap, uintmax_t);
  if (strcmp(c->length, "z") == 0 || strcmp(c->length, "t") == 0)
    return va_arg(*ap, size_t);
  return va_arg(*ap, unsigned);
}

/* The arguments are taken through a pointer so that the helpers above can
 * consume them and this loop go on with the rest (C11 7.16, note 253). */
static void text_vprintf(gsz__buf *b, const char *fmt, va_list *ap) {
  const char *p = fmt;
  while (*p != '\0' && b->err == GSZ_OK) {
    const char *pct = strchr(p, '%');
    if (pct == NULL) {
      gsz__buf_puts(b, p); /* the format's own text: the renderer's */
      return;
    }
    gsz__buf_append(b, p, (size_t)(pct - p));
    conv_spec c;
    if ((p = parse_conv(&c, pct + 1)) == NULL) {
      b->err = GSZ_EINVAL; /* a conversion this printf does not take: a bug */
      return;
    }
    bool left = strchr(c.flags, '-') != NULL;
    if (c.width == -2) {
      c.width = va_arg(*ap, int);
      if (c.width < 0) { /* a negative width is a '-' flag */
        size_t k = strlen(c.flags);
        if (k < sizeof c.flags - 1)
          c.flags[k] = '-';
        left = true;
        c.width = c.width == INT_MIN ? 0 : -c.width;
      }
    }
    if (c.precision == -2 && (c.precision = va_arg(*ap, int)) < 0)
      c.precision = -1;
    if (c.width > 1000 || c.precision > (c.conv == 's' ? 1000000 : 1000)) {
      b->err = GSZ_EINVAL; /* no renderer asks for this much */
      return;
    }
    switch (c.conv) {
    case '%':
      gsz__buf_putc(b, '%');
      break;
    case 's': {
      const char *s = va_arg(*ap, const char *);
      if (s == NULL)
        s = "(null)";
      size_t n = c.precision >= 0 ? strnlen(s, (size_t)c.precision) : strlen(s);
      padded_text(b, s, n, c.width > 0 ? (size_t)c.width : 0, left);
      break;
    }
    case 'c': {
      char ch = (char)va_arg(*ap, int);
      padded_text(b, &ch, 1, c.width > 0 ? (size_t)c.width : 0, left);
      break;
    }
    case 'd':
    case 'i':
      put_integer(b, &c, signed_arg(&c, ap), 0);
      break;
    default:
      put_integer(b, &c, 0, unsigned_arg(&c, ap));
      break;
    }
  }
}

void gsz__text_printf(gsz__buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  text_vprintf(b, fmt, &ap);
  va_end(ap);
}

gsz_err gsz_output_format_parse(gsz_output_format *out, const char *name, gsz_diag *diag) {
  static const struct {
    const char *name;
    gsz_output_format format;
  } names[] = {{"table", GSZ_OUTPUT_TABLE},
               {"json", GSZ_OUTPUT_JSON},
               {"csv", GSZ_OUTPUT_CSV},
               {"markdown", GSZ_OUTPUT_MARKDOWN},
               {"md", GSZ_OUTPUT_MARKDOWN}};
  for (size_t i = 0; i < GSZ_ARRAY_LEN(names); i++)
    if (gsz__str_ieq(name, names[i].name)) {
      *out = names[i].format;
      return GSZ_OK;
    }
  return gsz__diag_set(diag, GSZ_EINVAL,
                       "unknown output format '%s' (expected table, json, csv or markdown)", name);
}

const char *gsz_output_format_name(gsz_output_format format) {
  switch (format) {
  case GSZ_OUTPUT_TABLE:
    return "table";
  case GSZ_OUTPUT_JSON:
    return "json";
  case GSZ_OUTPUT_CSV:
  case GSZ_OUTPUT_CSV_RAW:
    return "csv";
  case GSZ_OUTPUT_MARKDOWN:
    return "markdown";
  }
  return "table";
}

const char *gsz__fmt_percent_bp(char buf[GSZ_FMT_MAX], int32_t bp) {
  if (bp < 0)
    snprintf(buf, GSZ_FMT_MAX, "-%d.%d%%", -bp / 100, (-bp % 100) / 10);
  else
    snprintf(buf, GSZ_FMT_MAX, "%d.%d%%", bp / 100, (bp % 100) / 10);
  return buf;
}
