package dev.echokit.grader.classroom;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A CSV file kept as its bytes (RFC 4180: quoted cells, {@code ""} for a quote inside them, line
 * breaks inside quotes), read into records whose cells each know where their raw bytes are. A copy
 * can then change a few cells and keep every other byte: the quoting, the line endings, a byte
 * order mark, the encoding. Comma, semicolon and tab separators are found from the first line.
 */
final class CsvFile {

    private static final byte QUOTE = '"';
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    /** One cell's raw bytes, quotes included: {@code [start, end)}. */
    record Cell(int start, int end) {
    }

    /**
     * One record: its cells, where it ends before its line break, and its first line (1-based) for
     * messages.
     */
    record Record(List<Cell> cells, int end, int line) {
    }

    private final byte[] bytes;
    private final int bom;
    private final byte separator;
    private final Charset charset;
    private final List<Record> records;

    private CsvFile(byte[] bytes, int bom, byte separator, Charset charset, List<Record> records) {
        this.bytes = bytes;
        this.bom = bom;
        this.separator = separator;
        this.charset = charset;
        this.records = records;
    }

    /**
     * Reads a CSV file's bytes. Its text is UTF-8 when it has the UTF-8 byte order mark or is valid
     * UTF-8, windows-1252 otherwise (what spreadsheets save); a UTF-16 file is refused, since its
     * bytes cannot be kept cell by cell.
     *
     * @throws IllegalArgumentException with the reason in words: UTF-16, or a quote left open
     */
    static CsvFile read(byte[] bytes) {
        if (bytes.length >= 2 && (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE || bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)) {
            throw new IllegalArgumentException("it is saved as UTF-16; export or save it again as CSV (UTF-8)");
        }
        int bom = bytes.length >= 3 && bytes[0] == (byte) 0xEF && bytes[1] == (byte) 0xBB && bytes[2] == (byte) 0xBF ? 3 : 0;
        Charset charset = bom > 0 || isUtf8(bytes) ? StandardCharsets.UTF_8 : Charset.forName("windows-1252");
        byte separator = separator(bytes, bom);
        return new CsvFile(bytes, bom, separator, charset, parse(bytes, bom, separator));
    }

    List<Record> records() {
        return records;
    }

    /** The cell's text: unquoted, {@code ""} made one quote, decoded. Empty for a cell the record does not have. */
    String value(Record record, int column) {
        if (column >= record.cells().size()) {
            return "";
        }
        Cell cell = record.cells().get(column);
        if (cell.start() == cell.end() || bytes[cell.start()] != QUOTE) {
            return new String(bytes, cell.start(), cell.end() - cell.start(), charset);
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        int i = cell.start() + 1;
        while (i < cell.end()) {
            if (bytes[i] == QUOTE && i + 1 < cell.end() && bytes[i + 1] == QUOTE) {
                text.write(QUOTE);
                i += 2;
            } else if (bytes[i] == QUOTE) {
                i++; // the closing quote; anything after it up to the separator is kept as it stands
            } else {
                text.write(bytes[i++]);
            }
        }
        return text.toString(charset);
    }

    /** The value of every cell of a record, in order. */
    List<String> values(Record record) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < record.cells().size(); i++) {
            values.add(value(record, i));
        }
        return values;
    }

    /**
     * A copy of the file with these cells' texts replaced, each in the original's encoding and
     * quoted if the original cell was; a record too short for its column gets the empty cells it
     * lacks. Every other byte is the original's.
     *
     * @param changes record index → column → new text (texts the file's separator or quotes would need quoting for are refused)
     */
    byte[] with(Map<Integer, Map<Integer, String>> changes) {
        // Every edit as the byte range it replaces; sorted by where it starts, ties kept in the order made.
        List<Edit> edits = new ArrayList<>();
        changes.forEach((index, columns) -> {
            Record record = records.get(index);
            TreeMap<Integer, String> beyond = new TreeMap<>();
            new TreeMap<>(columns).forEach((column, text) -> {
                if (text.indexOf(separator) >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                    throw new IllegalArgumentException("a cell's new text would need quoting: " + text);
                }
                if (column >= record.cells().size()) {
                    beyond.put(column, text);
                    return;
                }
                Cell cell = record.cells().get(column);
                boolean quoted = cell.end() > cell.start() && bytes[cell.start()] == QUOTE;
                edits.add(new Edit(cell.start(), cell.end(), (quoted ? "\"" + text + "\"" : text).getBytes(charset)));
            });
            if (!beyond.isEmpty()) {
                // The record stops short of the column (a spreadsheet drops trailing empty cells): add the cells it lacks.
                StringBuilder added = new StringBuilder();
                for (int column = record.cells().size(); column <= beyond.lastKey(); column++) {
                    added.append((char) separator).append(beyond.getOrDefault(column, ""));
                }
                edits.add(new Edit(record.end(), record.end(), added.toString().getBytes(charset)));
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        edits.sort(java.util.Comparator.comparingInt(Edit::start));
        int at = 0;
        for (Edit edit : edits) {
            out.write(bytes, at, edit.start() - at);
            out.writeBytes(edit.text());
            at = edit.end();
        }
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    /** Bytes {@code [start, end)} of the original replaced by {@code text}. */
    private record Edit(int start, int end, byte[] text) {
    }

    /** The separator the first line uses most, outside quotes: a comma, a semicolon or a tab (comma if none). */
    private static byte separator(byte[] bytes, int from) {
        byte[] candidates = {',', ';', '\t'};
        int[] counts = new int[candidates.length];
        boolean quoted = false;
        for (int i = from; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == QUOTE) {
                quoted = !quoted;
            } else if (!quoted && (b == CR || b == LF)) {
                break;
            } else if (!quoted) {
                for (int c = 0; c < candidates.length; c++) {
                    counts[c] += b == candidates[c] ? 1 : 0;
                }
            }
        }
        int best = 0;
        for (int c = 1; c < candidates.length; c++) {
            best = counts[c] > counts[best] ? c : best;
        }
        return candidates[best];
    }

    private static List<Record> parse(byte[] bytes, int from, byte separator) {
        List<Record> records = new ArrayList<>();
        int n = bytes.length;
        int i = from;
        int line = 1;
        while (i < n) {
            int firstLine = line;
            List<Cell> cells = new ArrayList<>();
            while (true) {
                int start = i;
                if (i < n && bytes[i] == QUOTE) {
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        if (bytes[i] == QUOTE && i + 1 < n && bytes[i + 1] == QUOTE) {
                            i += 2;
                        } else if (bytes[i] == QUOTE) {
                            i++;
                            closed = true;
                            break;
                        } else {
                            line += bytes[i] == LF ? 1 : 0;
                            i++;
                        }
                    }
                    if (!closed) {
                        throw new IllegalArgumentException("the quote that opens a cell on line " + firstLine + " is never closed");
                    }
                }
                while (i < n && bytes[i] != separator && bytes[i] != CR && bytes[i] != LF) {
                    i++;
                }
                cells.add(new Cell(start, i));
                if (i < n && bytes[i] == separator) {
                    i++;
                    continue;
                }
                break;
            }
            records.add(new Record(List.copyOf(cells), i, firstLine));
            if (i < n && bytes[i] == CR) {
                i++;
            }
            if (i < n && bytes[i] == LF) {
                i++;
            }
            line++;
        }
        return List.copyOf(records);
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
