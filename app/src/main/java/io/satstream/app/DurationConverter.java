package io.satstream.app;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses duration flags such as {@code --duration 90s} or {@code --idle 30}: a number with a unit
 * ({@code ms}, {@code s}, {@code m}, {@code h}, {@code d}), several of them in a row ({@code 1h30m}),
 * a plain number of seconds ({@code 90}, {@code 1.5}) or ISO-8601 ({@code PT90S}).
 *
 * <p>Use it with {@code @Option(names = "--duration", converter = DurationConverter.class)}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)");
    private static final Pattern PLAIN_SECONDS = Pattern.compile("\\d+(?:\\.\\d+)?");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * @throws TypeConversionException with a message that shows valid examples; picocli turns it into
     *     the one-line usage error
     */
    public static Duration parse(String value) {
        String text = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (text.isEmpty()) {
            throw invalid(value);
        }
        if (PLAIN_SECONDS.matcher(text).matches()) {
            return ofSeconds(new BigDecimal(text));
        }
        if (text.startsWith("pt") || text.startsWith("p")) {
            try {
                Duration d = Duration.parse(text.toUpperCase(Locale.ROOT));
                if (d.isNegative()) {
                    throw invalid(value);
                }
                return d;
            } catch (DateTimeParseException e) {
                throw invalid(value);
            }
        }
        Matcher m = PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            BigDecimal amount = new BigDecimal(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> ofSeconds(amount.movePointLeft(3));
                case "s" -> ofSeconds(amount);
                case "m" -> ofSeconds(amount.multiply(BigDecimal.valueOf(60)));
                case "h" -> ofSeconds(amount.multiply(BigDecimal.valueOf(3600)));
                default -> ofSeconds(amount.multiply(BigDecimal.valueOf(86400)));
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw invalid(value);
        }
        return total;
    }

    /** Short human form, the inverse of {@link #parse} for common values: {@code 250ms}, {@code 90s}, {@code 1.5s}. */
    public static String format(Duration duration) {
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            return duration.toMillis() + "ms";
        }
        BigDecimal seconds = BigDecimal.valueOf(duration.toMillis()).movePointLeft(3).stripTrailingZeros();
        return seconds.toPlainString() + "s";
    }

    private static Duration ofSeconds(BigDecimal seconds) {
        // Nanosecond precision is plenty; anything finer is dropped rather than rounded up.
        BigDecimal nanos = seconds.movePointRight(9).setScale(0, RoundingMode.DOWN);
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException e) {
            throw new TypeConversionException("'" + seconds.toPlainString() + " s' is too long a duration");
        }
    }

    private static TypeConversionException invalid(String value) {
        return new TypeConversionException(
                "'" + value + "' is not a duration (examples: 90s, 5m, 1h, 250ms, 1h30m, or plain seconds)");
    }
}
