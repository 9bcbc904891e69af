package tp2.trainer;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One line of metrics.csv.
 *
 * @param loss the epoch's mean data loss over its images plus (reg/2)(|W1|^2 + |W2|^2) at the end of the epoch
 * @param trainAccuracy accuracy on the training batches as they were trained (before each update)
 * @param testAccuracy accuracy on the test set after the epoch
 * @param trainSeconds wall time of the training pass (not of the test evaluation)
 */
public record EpochMetrics(@JsonProperty("epoch") int epoch, @JsonProperty("loss") double loss,
                           @JsonProperty("train_acc") double trainAccuracy, @JsonProperty("test_acc") double testAccuracy,
                           @JsonProperty("train_seconds") double trainSeconds,
                           @JsonProperty("images_per_second") double imagesPerSecond) {
    public static final String CSV_HEADER = "epoch,loss,train_acc,test_acc,train_seconds,images_per_second";

    public String csv() {
        return String.format(java.util.Locale.ROOT, "%d,%.6f,%.4f,%.4f,%.3f,%.0f", epoch, loss, trainAccuracy,
                testAccuracy, trainSeconds, imagesPerSecond);
    }

    public static EpochMetrics parseCsv(String line) {
        String[] f = line.split(",");
        return new EpochMetrics(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]));
    }
}
