package io.satstream.app.models;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --store URI}: a {@code file:} URI or a plain path of a model store root. The store lives in a local
 * directory only, so any other scheme is a usage error (exit 2) before anything is opened.
 */
final class StoreUriConverter implements ITypeConverter<Path> {

    // RFC 3986 scheme; one letter is left to paths so that "C:\..." would not read as a scheme
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]+):.*", Pattern.DOTALL);

    @Override
    public Path convert(String value) {
        return parse(value);
    }

    static Path parse(String value) {
        String text = value == null ? "" : value.strip();
        if (text.isEmpty()) {
            throw new TypeConversionException("--store must not be empty: give a directory or a file: URI");
        }
        var scheme = SCHEME.matcher(text);
        if (!scheme.matches()) {
            return path(text, value);
        }
        if (!scheme.group(1).equalsIgnoreCase("file")) {
            throw new TypeConversionException("'" + value + "': the model store is a local directory; --store takes a"
                    + " path or a file: URI, not " + scheme.group(1) + ": (a path with ':' in it can be given as ./PATH)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new TypeConversionException("'" + value + "' is not a valid file: URI (" + e.getReason()
                    + "); spaces and other special characters must be %-encoded, or give a plain path");
        }
        if (uri.isOpaque() || uri.getPath() == null || !uri.getPath().startsWith("/")) {
            throw new TypeConversionException("'" + value + "' is not an absolute file: URI; write file:/PATH or"
                    + " file:///PATH, or give a plain (relative) path");
        }
        String host = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
        if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
            throw new TypeConversionException("'" + value + "' names host '" + host
                    + "'; the model store must be a local directory (file:/PATH or file:///PATH)");
        }
        return path(uri.getPath(), value);
    }

    private static Path path(String text, String value) {
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new TypeConversionException("'" + value + "' is not a usable path: " + e.getReason());
        }
    }
}
