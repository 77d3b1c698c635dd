package io.satstream.modelstore.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Reads that cannot be led astray: a size bound checked before anything is read (and again while reading, in case
 * the file grows), regular files only (a FIFO or {@code /dev/zero} would block or never end), and inside the store
 * no symbolic link is followed: the store never writes one, so one found there was put there to lead it out.
 */
public final class StoreFiles {

    private StoreFiles() {
    }

    /** A file the store will not read, with the one-line reason. */
    public static final class UnsafeFileException extends IOException {
        private static final long serialVersionUID = 1L;
        private final boolean tooLarge;

        UnsafeFileException(String reason) {
            this(reason, false);
        }

        UnsafeFileException(String reason, boolean tooLarge) {
            super(reason);
            this.tooLarge = tooLarge;
        }

        /** True when the file is larger than the bound, rather than a link or not a regular file. */
        public boolean tooLarge() {
            return tooLarge;
        }
    }

    /**
     * Throws when {@code path} is a symbolic link; returns its attributes (not following links), or null when nothing
     * is there.
     */
    public static BasicFileAttributes requireNoLink(Path path) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (attrs.isSymbolicLink()) {
            String target;
            try {
                target = Files.readSymbolicLink(path).toString();
            } catch (IOException e) {
                target = "?";
            }
            throw new UnsafeFileException(path + " is a symbolic link (to " + oneLine(target) + "); the model store"
                    + " never writes links and does not follow them");
        }
        return attrs;
    }

    /**
     * The bytes of {@code file}, at most {@code maxBytes} of them. With {@code followLinks} false a link is refused,
     * not followed.
     *
     * @throws NoSuchFileException when there is no such file
     * @throws UnsafeFileException when it is a link (not followed), not a regular file, or larger than the bound
     */
    public static byte[] read(Path file, long maxBytes, boolean followLinks) throws IOException {
        try (SeekableByteChannel ch = open(file, maxBytes, followLinks); InputStream in = Channels.newInputStream(ch)) {
            int bound = (int) Math.min(maxBytes, Integer.MAX_VALUE - 8L);
            byte[] bytes = in.readNBytes((int) Math.min(ch.size(), bound));
            if (in.read() != -1) {
                throw new UnsafeFileException(file + " grew past " + maxBytes + " bytes while being read", true);
            }
            return bytes;
        }
    }

    /** Lower-case hex sha256 of {@code file}, read under the same rules as {@link #read}, in 64 KiB steps. */
    public static String sha256(Path file, long maxBytes, boolean followLinks) throws IOException {
        MessageDigest md = Sha256.digest();
        long total = 0;
        try (SeekableByteChannel ch = open(file, maxBytes, followLinks); InputStream in = Channels.newInputStream(ch)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > maxBytes) {
                    throw new UnsafeFileException(file + " grew past " + maxBytes + " bytes while being read", true);
                }
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static SeekableByteChannel open(Path file, long maxBytes, boolean followLinks) throws IOException {
        BasicFileAttributes attrs = followLinks
                ? Files.readAttributes(file, BasicFileAttributes.class)
                : requireNoLink(file);
        if (attrs == null) {
            throw new NoSuchFileException(file.toString());
        }
        if (!attrs.isRegularFile()) {
            throw new UnsafeFileException(file + " is not a regular file");
        }
        if (attrs.size() > maxBytes) {
            throw new UnsafeFileException(file + " is " + attrs.size() + " bytes, more than the limit of " + maxBytes
                    + " bytes", true);
        }
        OpenOption[] options = followLinks
                ? new OpenOption[] {StandardOpenOption.READ}
                // O_NOFOLLOW: a link swapped in after the check above fails to open rather than being followed
                : new OpenOption[] {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
        return Files.newByteChannel(file, options);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
