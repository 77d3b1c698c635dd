package io.satstream.training.engine.internal;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * The process environment as native libraries see it. {@link System#getenv} is a copy taken when the JVM started;
 * native code such as oneDNN calls the C library's {@code getenv}, so a setting meant for it goes through
 * {@code setenv}. Used once, before the training engine's first kernel, while no native library reads the
 * environment concurrently.
 */
final class NativeEnvironment {

    private NativeEnvironment() {
    }

    static void set(String name, String value) {
        Function setenv = NativeLibrary.getInstance("c").getFunction("setenv");
        int rc = setenv.invokeInt(new Object[] {name, value, 1});
        if (rc != 0) {
            throw new IllegalStateException("setenv(" + name + ", " + value + ") failed");
        }
    }

    /** The value native code sees, or null. */
    static String get(String name) {
        Function getenv = NativeLibrary.getInstance("c").getFunction("getenv");
        return getenv.invokeString(new Object[] {name}, false);
    }
}
