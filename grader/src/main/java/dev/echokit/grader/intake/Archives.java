package dev.echokit.grader.intake;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Submissions handed in as archives: {@code .zip}, {@code .tar}, {@code .tar.gz} and {@code .tgz}
 * are unpacked with Apache Commons Compress; other archive formats are recognised (by name or by
 * their first bytes) so that the learner is told which format to use instead. Unpacking guards
 * against entries that point outside the folder ({@code ../}, absolute paths, links) and against
 * archive bombs (too many entries, too many bytes, a ratio no source code reaches).
 */
public final class Archives {

    /** Unpacked bytes an archive may hold: far more than any server's sources. */
    static final long MAX_UNPACKED_BYTES = 64L * 1024 * 1024;
    static final int MAX_ENTRIES = 20_000;
    /** Source code compresses about 5:1; a file that unpacks to 200 times its packed size is a bomb. */
    public static final long MAX_RATIO = 200;

    /** The formats the grader reads, by name ending. */
    enum Format {
        ZIP(".zip"), TAR(".tar"), TAR_GZ(".tar.gz", ".tgz");

        private final List<String> endings;

        Format(String... endings) {
            this.endings = List.of(endings);
        }
    }

    /** Archive formats the grader recognises but does not read, by name ending. */
    private static final List<String> OTHER_ENDINGS = List.of(".rar", ".7z", ".tar.bz2", ".tbz2", ".tar.xz", ".txz",
            ".tar.zst", ".gz", ".bz2", ".xz", ".zst", ".z", ".lz", ".lzma", ".arj", ".cab", ".iso", ".dmg", ".zipx");

    private Archives() {
    }

    /** The readable format of a file, by its name or, failing that, by its first bytes. */
    static Optional<Format> format(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (Format format : Format.values()) {
            if (format.endings.stream().anyMatch(name::endsWith)) {
                return Optional.of(format);
            }
        }
        if (OTHER_ENDINGS.stream().anyMatch(name::endsWith)) {
            return Optional.empty();
        }
        byte[] head = head(file);
        if (startsWith(head, 'P', 'K', 3, 4) || startsWith(head, 'P', 'K', 5, 6)) {
            return Optional.of(Format.ZIP);
        }
        if (head.length > 262 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
            return Optional.of(Format.TAR);
        }
        return Optional.empty();
    }

    /**
     * The name of an archive format the grader does not read ("a .rar archive"), or empty when the
     * file is not an archive at all.
     */
    static Optional<String> unreadable(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (format(file).isPresent()) {
            return Optional.empty();
        }
        for (String ending : OTHER_ENDINGS) {
            if (name.endsWith(ending)) {
                return Optional.of("a " + ending + " archive");
            }
        }
        byte[] head = head(file);
        if (startsWith(head, 'R', 'a', 'r', '!')) {
            return Optional.of("a RAR archive");
        }
        if (startsWith(head, '7', 'z', 0xBC, 0xAF, 0x27, 0x1C)) {
            return Optional.of("a 7-Zip archive");
        }
        if (startsWith(head, 0x1F, 0x8B)) {
            return Optional.of("a gzip file");
        }
        return Optional.empty();
    }

    /** Whether the file is an archive of any kind, readable or not. */
    public static boolean isArchive(Path file) throws IOException {
        return format(file).isPresent() || unreadable(file).isPresent();
    }

    /** The submission's name without its archive ending: "ann.tar.gz" is ann. */
    public static String baseName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        List<String> endings = new java.util.ArrayList<>(OTHER_ENDINGS);
        Arrays.stream(Format.values()).forEach(f -> endings.addAll(f.endings));
        endings.sort((a, b) -> b.length() - a.length()); // ".tar.gz" before ".gz"
        for (String ending : endings) {
            if (lower.endsWith(ending) && lower.length() > ending.length()) {
                return fileName.substring(0, fileName.length() - ending.length());
            }
        }
        return fileName;
    }

    /** Unpacks {@code archive} into {@code into}; null when it went well, else what is wrong with it, in words. */
    static String unpack(Path archive, Path into) throws IOException {
        Optional<Format> format = format(archive);
        if (format.isEmpty()) {
            return archive.getFileName() + " is not an archive the grader can read";
        }
        Files.createDirectories(into);
        Budget budget = new Budget(Files.size(archive));
        try {
            return format.get() == Format.ZIP ? unzip(archive, into, budget) : untar(archive, format.get(), into, budget);
        } catch (IOException | RuntimeException e) {
            // A damaged or truncated archive: Commons Compress says what it could not read.
            return "the archive cannot be read (" + describe(e) + ")";
        }
    }

    private static String unzip(Path archive, Path into, Budget budget) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            for (Enumeration<ZipArchiveEntry> entries = zip.getEntries(); entries.hasMoreElements(); ) {
                ZipArchiveEntry entry = entries.nextElement();
                String problem = budget.entry(entry.getName());
                if (problem != null) {
                    return problem;
                }
                if (entry.isUnixSymlink()) {
                    continue; // a link could lead out of the submission
                }
                Path target = inside(into, entry.getName());
                if (target == null) {
                    return "the archive has an entry that points outside it (" + entry.getName() + ")";
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    problem = budget.copy(in, target, entry.getName());
                    if (problem != null) {
                        return problem;
                    }
                }
            }
        }
        return null;
    }

    private static String untar(Path archive, Format format, Path into, Budget budget) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
        try (InputStream in = format == Format.TAR_GZ ? new GzipCompressorInputStream(raw) : raw;
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                String problem = budget.entry(entry.getName());
                if (problem != null) {
                    return problem;
                }
                if (!entry.isDirectory() && !entry.isFile()) {
                    continue; // links, devices, pipes: nothing a server's sources need
                }
                Path target = inside(into, entry.getName());
                if (target == null) {
                    return "the archive has an entry that points outside it (" + entry.getName() + ")";
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                problem = budget.copy(tar, target, entry.getName());
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    /** Where an entry goes under {@code into}, or null when its name would leave it. */
    static Path inside(Path into, String entryName) {
        String name = entryName.replace('\\', '/'); // zips made on Windows may separate with backslashes
        if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || Arrays.asList(name.split("/")).contains("..")) {
            return null;
        }
        Path base = into.toAbsolutePath().normalize();
        Path target = base.resolve(name).normalize();
        return target.startsWith(base) ? target : null;
    }

    /** What an archive may still unpack to: counts entries and bytes as they come. */
    private static final class Budget {
        private final long packedSize;
        private long bytes;
        private int entries;

        Budget(long packedSize) {
            this.packedSize = Math.max(packedSize, 1);
        }

        String entry(String name) {
            return ++entries > MAX_ENTRIES ? "the archive holds more than " + MAX_ENTRIES + " files" : null;
        }

        String copy(InputStream in, Path target, String name) throws IOException {
            Files.createDirectories(target.getParent());
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(target)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    bytes += n;
                    if (bytes > MAX_UNPACKED_BYTES) {
                        return "the archive unpacks to more than " + MAX_UNPACKED_BYTES / (1024 * 1024) + " MiB";
                    }
                    if (bytes > 1024 * 1024 && bytes / packedSize > MAX_RATIO) {
                        return "the archive unpacks to more than " + MAX_RATIO + " times its size (at " + name
                                + "): that is an archive bomb, not source code";
                    }
                    out.write(buffer, 0, n);
                }
            }
            return null;
        }
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(512);
        }
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? "it is damaged or incomplete" : message.strip();
    }
}
