package io.veltrix.ingest.mapping;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * Reads the time values clients send ({@code timestamp}, {@code sentAt}, {@code timestamp-millis} properties) into
 * epoch milliseconds, refusing anything outside the years 0001 to 9999 (what ISO-8601 and the SDKs write): a value
 * such as {@code +300000000-01-01T00:00:00Z} or epoch milliseconds of 10^20 is an invalid timestamp of that event,
 * never an overflow later on.
 *
 * <p>The common form, {@code 2026-11-26T10:15:30.123Z}, is read by hand: {@link OffsetDateTime#parse} costs about a
 * microsecond per value, which showed in the benchmark's profile (two or three values per event). Anything else
 * with an offset goes through {@link OffsetDateTime#parse}.
 */
public final class Timestamps {

    /** 0001-01-01T00:00:00Z. */
    public static final long MIN_MILLIS = -62_135_596_800_000L;
    /** 9999-12-31T23:59:59.999Z. */
    public static final long MAX_MILLIS = 253_402_300_799_999L;

    private Timestamps() {
    }

    /** Thrown for a value that is not a date-time with offset, or lies outside the years 0001-9999. */
    public static final class InvalidTimestampException extends Exception {
        InvalidTimestampException(String message) {
            super(message, null, false, false);
        }
    }

    /** Epoch milliseconds of an ISO-8601 date-time with offset. */
    public static long parse(String text) throws InvalidTimestampException {
        long fast = fast(text);
        if (fast != Long.MIN_VALUE) {
            return fast;
        }
        long millis;
        try {
            millis = OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new InvalidTimestampException("not an ISO-8601 date-time with offset");
        } catch (DateTimeException | ArithmeticException e) {
            throw new InvalidTimestampException("outside the years 0001 to 9999");
        }
        return checkRange(millis);
    }

    /** Epoch milliseconds as sent, checked against the same range. */
    public static long checkRange(long millis) throws InvalidTimestampException {
        if (millis < MIN_MILLIS || millis > MAX_MILLIS) {
            throw new InvalidTimestampException("outside the years 0001 to 9999");
        }
        return millis;
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or Long.MIN_VALUE for any other form (then the full parser decides). */
    static long fast(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0 || year < 1 || month < 1 || month > 12 || day < 1
                || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
            return Long.MIN_VALUE;
        }
        int millis = 0;
        if (n > 20) {
            if (s.charAt(19) != '.' || n == 21) {
                return Long.MIN_VALUE;
            }
            int fractionDigits = n - 21;
            for (int i = 0; i < fractionDigits; i++) {
                char c = s.charAt(20 + i);
                if (c < '0' || c > '9') {
                    return Long.MIN_VALUE;
                }
                if (i < 3) {
                    millis = millis * 10 + (c - '0');
                }
            }
            for (int i = fractionDigits; i < 3; i++) {
                millis *= 10;
            }
        }
        long days = daysFromEpoch(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static int daysInMonth(int year, int month) {
        switch (month) {
            case 2:
                return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4:
            case 6:
            case 9:
            case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (the algorithm of java.time.LocalDate.toEpochDay). */
    private static long daysFromEpoch(int year, int month, int day) {
        long y = year;
        long total = 365 * y;
        total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
        total += (367 * month - 362) / 12;
        total += day - 1;
        if (month > 2) {
            total--;
            if (!(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) {
                total--;
            }
        }
        return total - 719_528L;
    }
}
