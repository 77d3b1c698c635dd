package io.satstream.app.dataset;

import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.satstream.training.dataset.DatasetEvaluation;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The confusion matrix as a heat map (JFreeChart): truth down, predicted across, each cell shaded and labelled with
 * its share of the truth row (recall on the diagonal), so a rare class reads as clearly as a common one.
 */
final class ConfusionMatrixPng {

    private static final Color LOW = Color.WHITE;
    private static final Color HIGH = new Color(0x08, 0x30, 0x6B);

    private ConfusionMatrixPng() {}

    static void write(DatasetEvaluation.Report r, Path file) throws IOException {
        List<String> names = r.classNames();
        int k = names.size();
        long[][] m = r.evaluation().confusionMatrix();
        double[] xs = new double[k * k];
        double[] ys = new double[k * k];
        double[] zs = new double[k * k];
        XYPlot plot = new XYPlot();
        for (int t = 0; t < k; t++) {
            long rowTotal = 0;
            for (long v : m[t]) {
                rowTotal += v;
            }
            for (int p = 0; p < k; p++) {
                int i = t * k + p;
                double share = rowTotal == 0 ? 0 : (double) m[t][p] / rowTotal;
                xs[i] = p;
                ys[i] = t;
                zs[i] = share;
                XYTextAnnotation label = new XYTextAnnotation(rowTotal == 0 ? "-"
                        : String.format(Locale.ROOT, "%.1f%%", 100 * share), p, t);
                label.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                label.setPaint(share > 0.55 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(label);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("share of truth row", new double[][] {xs, ys, zs});
        String[] symbols = names.toArray(String[]::new);
        SymbolAxis predicted = new SymbolAxis("predicted", symbols);
        predicted.setVerticalTickLabels(k > 3);
        predicted.setGridBandsVisible(false);
        SymbolAxis truth = new SymbolAxis("truth", symbols);
        truth.setInverted(true);
        truth.setGridBandsVisible(false);
        XYBlockRenderer cells = new XYBlockRenderer();
        PaintScale scale = new RowShareScale();
        cells.setPaintScale(scale);
        plot.setDataset(data);
        plot.setDomainAxis(predicted);
        plot.setRangeAxis(truth);
        plot.setRenderer(cells);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);

        JFreeChart chart = new JFreeChart(String.format(Locale.ROOT, "%s, %s split: mIoU %.3f, pixel accuracy %.3f",
                r.model(), r.split().label(), r.evaluation().miou(), r.evaluation().pixelAccuracy()),
                new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        NumberAxis shareAxis = new NumberAxis("share of the truth row");
        shareAxis.setRange(0, 1);
        PaintScaleLegend legend = new PaintScaleLegend(scale, shareAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(14);
        legend.setMargin(8, 8, 8, 8);
        chart.addSubtitle(legend);
        chart.setBackgroundPaint(Color.WHITE);

        int size = Math.min(2400, 260 + 110 * k);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, size + 120, size);
    }

    /** White at 0 to dark blue at 1, linearly in RGB. */
    private static final class RowShareScale implements PaintScale {
        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double f = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
            return new Color(mix(LOW.getRed(), HIGH.getRed(), f), mix(LOW.getGreen(), HIGH.getGreen(), f),
                    mix(LOW.getBlue(), HIGH.getBlue(), f));
        }

        private static int mix(int a, int b, double f) {
            return (int) Math.round(a + (b - a) * f);
        }
    }
}
