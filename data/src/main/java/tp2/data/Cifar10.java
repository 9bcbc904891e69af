package tp2.data;

import java.util.List;

/**
 * CIFAR-10 as a training set, a test set and the ten class names, with the layout of the
 * official binary release ({@code cifar-10-binary.tar.gz}).
 */
public final class Cifar10 {
    /** The folder inside the official archive, and the name of the data set's home folder. */
    public static final String FOLDER = "cifar-10-batches-bin";
    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    public static final String META_FILE = "batches.meta.txt";
    /** One label byte followed by 3072 pixel bytes. */
    public static final int RECORD_BYTES = 1 + Images.PIXELS;
    /** Records in each file of the official release. */
    public static final int RECORDS_PER_FILE = 10_000;
    public static final int CLASSES = 10;

    private final Images train;
    private final Images test;
    private final List<String> classNames;
    private final String source;

    public Cifar10(Images train, Images test, List<String> classNames, String source) {
        this.train = train;
        this.test = test;
        this.classNames = List.copyOf(classNames);
        this.source = source;
    }

    public Images train() {
        return train;
    }

    public Images test() {
        return test;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Where the data was read from: a folder or an archive. */
    public String source() {
        return source;
    }

    /** Expected size of each batch file with {@code recordsPerFile} records. */
    public static long fileBytes(int recordsPerFile) {
        return (long) recordsPerFile * RECORD_BYTES;
    }
}
