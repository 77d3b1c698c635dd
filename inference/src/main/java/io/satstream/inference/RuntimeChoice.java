package io.satstream.inference;

/** Which inference runtime was (or would be) picked, and why, for logs and the {@code doctor} command. */
public record RuntimeChoice(String name, String reason) {

    @Override
    public String toString() {
        return name + " (" + reason + ")";
    }
}
