package io.satstream.app.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns exceptions into the short, single-line messages the CLI prints. */
public final class ErrorMessages {

    private ErrorMessages() {}

    /** The message of the most telling exception in the chain, on one line. */
    public static String describe(Throwable failure) {
        Throwable t = failure;
        // Wrappers carry no message of their own worth showing.
        while ((t instanceof ExecutionException || t instanceof CompletionException
                || t instanceof InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (t instanceof Error && message != null && !message.isBlank()) {
            // "io/satstream/Foo" alone does not say that a class is missing.
            return oneLine(t.getClass().getSimpleName() + ": " + message);
        }
        if (message == null || message.isBlank()) {
            Throwable cause = t.getCause();
            message = cause != null && cause.getMessage() != null && !cause.getMessage().isBlank()
                    ? t.getClass().getSimpleName() + ": " + cause.getMessage()
                    : t.getClass().getSimpleName();
        }
        return oneLine(message);
    }

    /** Joins the lines of a multi-line message with "; ". */
    public static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    /** "Unknown option" → "unknown option", leaving acronyms ("EPSG ...") alone. */
    static String lowerFirst(String message) {
        if (message == null || message.length() < 2) {
            return message == null ? "" : message;
        }
        if (Character.isUpperCase(message.charAt(0)) && Character.isLowerCase(message.charAt(1))) {
            return Character.toLowerCase(message.charAt(0)) + message.substring(1);
        }
        return message;
    }
}
