package tp2.data;

import java.util.Set;

/** Which names in a CIFAR-10 archive are members of the data set, and which are unsafe. */
final class ArchivePaths {
    /** Regular files that fetching extracts; everything else in the archive is skipped. */
    static final Set<String> MEMBERS = Set.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin", "batches.meta.txt", "readme.html");

    private ArchivePaths() {}

    /**
     * The member's plain file name when {@code entryName} is {@code cifar-10-batches-bin/NAME} for
     * a known NAME, else null.
     */
    static String memberName(String entryName) {
        String prefix = Cifar10.FOLDER + "/";
        String name = entryName.startsWith("./") ? entryName.substring(2) : entryName;
        if (!name.startsWith(prefix)) {
            return null;
        }
        String rest = name.substring(prefix.length());
        return MEMBERS.contains(rest) ? rest : null;
    }

    /** The size a member must have (batch files: {@code recordsPerFile} records) or may have at most (the others). */
    static long sizeLimit(String member, int recordsPerFile) {
        if (member.endsWith(".bin")) {
            return Cifar10.fileBytes(recordsPerFile);
        }
        return member.equals(Cifar10.META_FILE) ? Cifar10Reader.MAX_META_BYTES : 1 << 20;   // readme.html: a page
    }

    /** Whether {@link #sizeLimit} is the member's exact size. */
    static boolean exactSize(String member) {
        return member.endsWith(".bin");
    }

    /** Why an entry name is unsafe to extract anywhere (absolute, parent steps, backslashes), or null. */
    static String unsafeReason(String entryName) {
        if (entryName.startsWith("/") || entryName.startsWith("\\") || entryName.matches("^[A-Za-z]:.*")) {
            return "an absolute path";
        }
        for (String part : entryName.split("[/\\\\]")) {
            if (part.equals("..")) {
                return "a path that leaves the target folder";
            }
        }
        if (entryName.indexOf('\0') >= 0) {
            return "a NUL byte in its name";
        }
        return null;
    }
}
