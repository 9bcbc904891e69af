package tp2.trainer;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import tp2.data.Cifar10Fetcher;

/**
 * Progress bars when a person watches a terminal; nothing within an epoch in a log (each epoch's
 * line is printed anyway), and a line per 10% for a download.
 */
final class ConsoleProgress {
    private ConsoleProgress() {}

    static boolean interactive() {
        return System.console() != null;
    }

    static Trainer.Progress training() {
        if (!interactive()) {
            return Trainer.Progress.NONE;
        }
        return new Trainer.Progress() {
            private ProgressBar bar;

            @Override
            public void epochStarted(int epoch, int steps) {
                bar = new ProgressBarBuilder().setTaskName("epoch " + epoch).setInitialMax(steps)
                        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
            }

            @Override
            public void stepDone() {
                bar.step();
            }

            @Override
            public void epochDone() {
                bar.close();
            }
        };
    }

    static Cifar10Fetcher.Progress download() {
        if (interactive()) {
            return new Cifar10Fetcher.Progress() {
                private ProgressBar bar;

                @Override
                public void start(long totalBytes) {
                    bar = new ProgressBarBuilder().setTaskName("download").setInitialMax(Math.max(totalBytes, 0))
                            .setUnit(" MB", 1_000_000).setStyle(ProgressBarStyle.ASCII).build();
                }

                @Override
                public void advance(long bytes) {
                    bar.stepBy(bytes);
                }

                @Override
                public void finish() {
                    if (bar != null) {
                        bar.close();
                    }
                }
            };
        }
        return new Cifar10Fetcher.Progress() {
            private long total = -1;
            private long done;
            private int printed;

            @Override
            public void start(long totalBytes) {
                total = totalBytes;
            }

            @Override
            public void advance(long bytes) {
                done += bytes;
                if (total > 0 && done * 10 / total > printed) {
                    printed = (int) (done * 10 / total);
                    System.out.printf("download %d%% (%,d of %,d bytes)%n", printed * 10, done, total);
                }
            }

            @Override
            public void finish() {}
        };
    }
}
