package dev.echokit.grader.classroom;

import dev.echokit.grader.intake.SourceText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/** A server's sources with comments and spacing set aside, hashed, and the rows that share one. */
final class CodeHash {

    private CodeHash() {
    }

    /** The sources with comments and spacing set aside, hashed: equal for copies that differ only in those. */
    static String of(Path sources, List<Path> files) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path file : files.stream().sorted(Comparator.comparing(f -> sources.relativize(f).toString())).toList()) {
            String code = SourceText.read(file).text()
                    .replaceAll("(?s)/\\*.*?\\*/", " ")
                    .replaceAll("//[^\\n]*", " ")
                    .replaceAll("\\s+", " ")
                    .strip();
            sha.update(code.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    /** Other submissions whose code is the same once comments and spacing are set aside. */
    static List<String> sameAs(Row row, List<Row> rows) {
        if (row.codeHash() == null || row.codeHash().isEmpty()) {
            return List.of();
        }
        return rows.stream().filter(r -> r != row && row.codeHash().equals(r.codeHash())).map(Row::submission).toList();
    }
}
