package io.satstream.app.models;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.satstream.modelstore.ModelNames;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code V} of {@code models show V} / {@code promote V}: a version number ({@code 3}) or a reference as written
 * in Kafka headers ({@code unet@3}), whose name then stands in for {@code --name}.
 *
 * @param name the model name, or null when only a number was given
 */
public record VersionArg(String name, int version) {

    private static final Pattern FORM = Pattern.compile("(?:(.+)@)?(\\d{1,9})");

    public static final class Converter implements ITypeConverter<VersionArg> {
        @Override
        public VersionArg convert(String value) {
            return parse(value);
        }
    }

    public static VersionArg parse(String value) {
        String text = value == null ? "" : value.strip();
        Matcher m = FORM.matcher(text);
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1) {
            throw new TypeConversionException("'" + value + "' is not a model version: give N or NAME@N with N >= 1"
                    + " (e.g. 3 or unet@3)");
        }
        String name = m.group(1);
        if (name != null) {
            try {
                ModelNames.check(name);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "': " + e.getMessage());
            }
        }
        return new VersionArg(name, Integer.parseInt(m.group(2)));
    }
}
