// SPDX-License-Identifier: GPL-2.0-only
/*
 * Formatted output for the hypervisor log.  Bounded by construction: every
 * character goes through emit(), which never writes past the buffer.
 */
#include <hyp/printf.h>
#include <hyp/string.h>

struct outbuf {
	char *buf;
	size_t size;
	size_t len;	/* characters the full output needs */
};

static void emit(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	unsigned int width;
	int precision;		/* for %s: at most this many characters; -1: all */
	bool precision_arg;	/* ".*": the precision is the next argument */
	bool zero_pad;
	bool left;
};

static void emit_padded(struct outbuf *o, const char *s, size_t n,
			const struct spec *sp, char pad)
{
	size_t fill = sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		while (fill--)
			emit(o, pad);
	while (n--)
		emit(o, *s++);
	if (sp->left)
		while (fill--)
			emit(o, ' ');
}

static void emit_number(struct outbuf *o, u64 v, bool neg, unsigned int base,
			bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);

	if (neg) {
		if (sp->zero_pad && !sp->left) {
			/* the sign goes before the zeros: "-0042" */
			struct spec rest = *sp;

			emit(o, '-');
			rest.width = sp->width ? sp->width - 1 : 0;
			emit_padded(o, &tmp[sizeof(tmp) - n], n, &rest, '0');
			return;
		}
		tmp[sizeof(tmp) - 1 - n++] = '-';
	}
	emit_padded(o, &tmp[sizeof(tmp) - n], n, sp,
		    sp->zero_pad && !sp->left ? '0' : ' ');
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static u64 fetch_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:	return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:	return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:	return va_arg(*ap, unsigned long);
	case LEN_LLONG:	return va_arg(*ap, unsigned long long);
	case LEN_SIZE:	return va_arg(*ap, size_t);
	default:	return va_arg(*ap, unsigned int);
	}
}

static s64 fetch_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:	return (signed char)va_arg(*ap, int);
	case LEN_SHORT:	return (short)va_arg(*ap, int);
	case LEN_LONG:	return va_arg(*ap, long);
	case LEN_LLONG:	return va_arg(*ap, long long);
	case LEN_SIZE:	return (s64)va_arg(*ap, size_t);
	default:	return va_arg(*ap, int);
	}
}

static const char *parse_spec(const char *f, struct spec *sp, enum length *len)
{
	*sp = (struct spec){ .precision = -1 };
	for (;; f++) {
		if (*f == '0')
			sp->zero_pad = true;
		else if (*f == '-')
			sp->left = true;
		else
			break;
	}
	/* widths are clamped to 1000: enough for any log line, no overflow */
	while (*f >= '0' && *f <= '9') {
		sp->width = MIN(sp->width * 10 + (unsigned int)(*f - '0'), 1000U);
		f++;
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp->precision_arg = true;
			f++;
		} else {
			sp->precision = 0;
			while (*f >= '0' && *f <= '9') {
				sp->precision = MIN(sp->precision * 10 + (*f - '0'), 100000);
				f++;
			}
		}
	}
	*len = LEN_INT;
	if (*f == 'h') {
		f++;
		*len = LEN_SHORT;
		if (*f == 'h') {
			f++;
			*len = LEN_CHAR;
		}
	} else if (*f == 'l') {
		f++;
		*len = LEN_LONG;
		if (*f == 'l') {
			f++;
			*len = LEN_LLONG;
		}
	} else if (*f == 'z') {
		f++;
		*len = LEN_SIZE;
	}
	return f;
}

int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct outbuf o = { .buf = buf, .size = size, .len = 0 };
	va_list ap;

	va_copy(ap, ap_in);
	while (*fmt) {
		struct spec sp;
		enum length len;

		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &len);
		if (sp.precision_arg) {
			int p = va_arg(ap, int);

			sp.precision = p < 0 ? -1 : p;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = fetch_signed(&ap, len);

			emit_number(&o, v < 0 ? -(u64)v : (u64)v, v < 0, 10, false, &sp);
			break;
		}
		case 'u':
			emit_number(&o, fetch_unsigned(&ap, len), false, 10, false, &sp);
			break;
		case 'x':
		case 'X':
			emit_number(&o, fetch_unsigned(&ap, len), false, 16, *fmt == 'X', &sp);
			break;
		case 'p':
			emit(&o, '0');
			emit(&o, 'x');
			emit_number(&o, (u64)(uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			emit_padded(&o, &c, 1, &sp, ' ');
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			emit_padded(&o, s, sp.precision < 0 ? strlen(s) :
				    strnlen(s, (size_t)sp.precision), &sp, ' ');
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			/* a lone '%' at the end: print it rather than read past the string */
			emit(&o, '%');
			va_end(ap);
			goto out;
		default:
			emit(&o, '%');
			emit(&o, *fmt);
			break;
		}
		fmt++;
	}
	va_end(ap);
out:
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = hyp_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
