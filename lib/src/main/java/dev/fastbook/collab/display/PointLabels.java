package dev.fastbook.collab.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import org.knowm.xchart.internal.chartpart.Annotation;

/**
 * Labels for the points of a scatter plot, laid out at paint time (when the plot's pixel size and
 * the font are known) by {@link LabelLayout} so they do not overlap; a label moved away from its
 * point gets a thin leader line. XChart's own text annotations would be centred on each point and
 * pile up where points crowd.
 */
final class PointLabels extends Annotation {

    private static final Color LEADER = new Color(150, 150, 150);

    private final double[] x;
    private final double[] y;
    private final String[] labels;
    private volatile LabelLayout.Placement last;

    PointLabels(double[] x, double[] y, String[] labels) {
        super(false); // data coordinates
        this.x = x.clone();
        this.y = y.clone();
        this.labels = labels.clone();
    }

    /** The label boxes of the last paint, in pixels; null before the chart was drawn. */
    LabelLayout.Placement lastPlacement() {
        return last;
    }

    @Override
    public void paint(Graphics2D g) {
        if (!isVisible) {
            return;
        }
        Object antialias = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setFont(styler.getAnnotationTextFont());
        FontMetrics fm = g.getFontMetrics();
        int n = labels.length;
        double[] px = new double[n], py = new double[n], w = new double[n], h = new double[n];
        for (int i = 0; i < n; i++) {
            px[i] = getXAxisScreenValue(x[i]);
            py[i] = getYAxisScreenValue(y[i]);
            w[i] = fm.stringWidth(labels[i]);
            h[i] = fm.getAscent() + fm.getDescent();
        }
        // The plot surface in pixels (XChart's "ForMin/ForMax" are its min and max pixel edges).
        double left = Math.min(getXAxisScreenValueForMin(), getXAxisScreenValueForMax());
        double right = Math.max(getXAxisScreenValueForMin(), getXAxisScreenValueForMax());
        double top = Math.min(getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
        double bottom = Math.max(getYAxisScreenValueForMin(), getYAxisScreenValueForMax());
        Rectangle2D area = new Rectangle2D.Double(left, top, right - left, bottom - top);
        LabelLayout.Placement placement = LabelLayout.place(px, py, w, h, area, styler.getMarkerSize() / 2.0);

        g.setColor(LEADER);
        g.setStroke(new BasicStroke(0.8f));
        for (int i = 0; i < n; i++) {
            if (placement.detached()[i]) {
                Rectangle2D box = placement.boxes()[i];
                double ex = Math.max(box.getMinX(), Math.min(px[i], box.getMaxX()));
                double ey = Math.max(box.getMinY(), Math.min(py[i], box.getMaxY()));
                g.draw(new Line2D.Double(px[i], py[i], ex, ey));
            }
        }
        g.setColor(styler.getAnnotationTextFontColor());
        for (int i = 0; i < n; i++) {
            Rectangle2D box = placement.boxes()[i];
            g.drawString(labels[i], (float) box.getMinX(), (float) (box.getMinY() + fm.getAscent()));
        }
        if (antialias != null) {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, antialias);
        }
        last = placement;
    }
}
