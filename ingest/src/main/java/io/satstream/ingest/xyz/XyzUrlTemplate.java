package io.satstream.ingest.xyz;

import java.net.URI;
import java.net.URISyntaxException;

import io.satstream.schemas.XyzAddress;

/** A tile URL template: {@code {z}}, {@code {x}} and {@code {y}} (or {@code {-y}} for TMS, counted from the south). */
public record XyzUrlTemplate(String template) {
    public XyzUrlTemplate {
        if (template == null || !template.contains("{z}") || !template.contains("{x}")
                || !(template.contains("{y}") || template.contains("{-y}"))) {
            throw new IllegalArgumentException("URL template must contain {z}, {x} and {y} (or {-y}), got " + template);
        }
        try {
            URI probe = new URI(template.replace("{z}", "0").replace("{x}", "0").replace("{-y}", "0").replace("{y}", "0"));
            String scheme = probe.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https") || scheme.equals("file"))) {
                throw new IllegalArgumentException("URL template must be http:, https: or file:, got " + template);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("URL template is not a URL: " + e.getMessage());
        }
    }

    public URI expand(XyzAddress a) {
        long tmsY = (1L << a.getZ()) - 1 - a.getY();
        return URI.create(template.replace("{z}", Integer.toString(a.getZ()))
                .replace("{x}", Integer.toString(a.getX()))
                .replace("{-y}", Long.toString(tmsY))
                .replace("{y}", Integer.toString(a.getY())));
    }
}
