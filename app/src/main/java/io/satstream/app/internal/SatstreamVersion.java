package io.satstream.app.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the application version from the jar's Maven descriptor, and the Java runtime. */
public final class SatstreamVersion implements IVersionProvider {

    private static final String POM_PROPERTIES = "/META-INF/maven/io.satstream/satstream-app/pom.properties";

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}; {@code development build} when not run from the jar. */
    public static String version() {
        try (InputStream in = SatstreamVersion.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank()) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through: a missing descriptor only means we run from target/classes
        }
        return "development build";
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "satstream " + version(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
