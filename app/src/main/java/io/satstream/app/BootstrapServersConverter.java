package io.satstream.app;

import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks a {@code --bootstrap HOST:PORT[,HOST:PORT...]} value up front, so a typo is a usage error
 * (exit 2) rather than a Kafka client failing later. Use with
 * {@code @Option(names = "--bootstrap", converter = BootstrapServersConverter.class)}.
 */
public final class BootstrapServersConverter implements ITypeConverter<String> {

    // host name or IPv4, or a bracketed IPv6 literal; then a port
    private static final Pattern SERVER = Pattern.compile("(?:[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");

    @Override
    public String convert(String value) {
        String text = value == null ? "" : value.trim();
        if (text.isEmpty()) {
            throw invalid(value);
        }
        for (String server : text.split(",", -1)) {
            var m = SERVER.matcher(server.trim());
            if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 65535) {
                throw invalid(value);
            }
        }
        return text.replaceAll("\\s*,\\s*", ",");
    }

    private static TypeConversionException invalid(String value) {
        return new TypeConversionException("'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:9092; several: a:9092,b:9092)");
    }
}
