using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ScottPlot;

namespace RingIpc.Bench;

/// <summary>
/// The charts of a run, written with ScottPlot as SVG and PNG beside the CSV: throughput by payload size (log axes,
/// medians over the repetitions), round-trip latency percentiles and RPC round-trip percentiles (log axes). Text is drawn with the DejaVu Sans that
/// ships with the bench (bench/Fonts): a fresh machine has no system fonts, and Skia would then draw no text.
/// </summary>
internal static class Charts
{
    private const string FontName = "DejaVu Sans";
    private const int Width = 1400;
    private const int Height = 620;
    private static readonly (string Label, double Quantile)[] PercentileTicks = { ("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("p99.9", 0.999) };

    /// <summary>Writes <c>throughput.svg/.png</c> and returns their paths.</summary>
    public static IReadOnlyList<string> Throughput(IReadOnlyList<ThroughputSample> samples, string directory)
    {
        Plot plot = NewPlot("Throughput by payload size (reader's rate, median)", "payload (bytes)", "messages per second");
        foreach (var transport in samples.GroupBy(sample => sample.Transport))
        {
            var points = transport.GroupBy(sample => sample.PayloadBytes).OrderBy(size => size.Key)
                .Select(size => (X: Math.Log10(size.Key), Y: Math.Log10(ThroughputTable.Median(size.Select(sample => sample.MessagesPerSecond))))).ToArray();
            var line = plot.Add.Scatter(points.Select(point => point.X).ToArray(), points.Select(point => point.Y).ToArray());
            line.LegendText = transport.Key;
            line.LineWidth = transport.Key.StartsWith("ring", StringComparison.Ordinal) ? 3 : 1.5f;
            line.MarkerSize = 6;
        }

        LogAxis(plot.Axes.Bottom);
        LogAxis(plot.Axes.Left);
        return Save(plot, directory, "throughput");
    }

    /// <summary>Writes <c>latency.svg/.png</c> (one line per round-trip row across p50 .. p99.9) and returns their paths.</summary>
    public static IReadOnlyList<string> Latency(IReadOnlyList<LatencyRow> rows, string directory) =>
        Percentiles("Round-trip latency percentiles", rows.Select(row => ($"{row.Label}, {row.PayloadBytes} B", (Func<double, double>)(q => LatencyTable.Percentile(row.SortedMicroseconds, q)))),
            directory, "latency");

    /// <summary>Writes <c>rpc.svg/.png</c> (one line per RPC row and pattern across p50 .. p99.9, each the median over the
    /// repetitions, as in the table) and returns their paths.</summary>
    public static IReadOnlyList<string> Rpc(IReadOnlyList<RpcSample> samples, string directory) =>
        Percentiles("RPC round trip (24 B struct request and reply), median of repetitions",
            samples.GroupBy(sample => (sample.Row, sample.Pattern)).Select(runs => (
                $"{runs.Key.Row.Label}, {(runs.Key.Pattern == "rpc" ? "back to back" : "1 ms pause")}",
                (Func<double, double>)(q => RpcLatency.MedianPercentile(runs, q)))),
            directory, "rpc");

    private static IReadOnlyList<string> Percentiles(string title, IEnumerable<(string Label, Func<double, double> Percentile)> rows, string directory, string stem)
    {
        Plot plot = NewPlot(title, "percentile", "round trip (µs)");
        double[] xs = Enumerable.Range(0, PercentileTicks.Length).Select(i => (double)i).ToArray();
        foreach ((string label, Func<double, double> percentile) in rows)
        {
            double[] ys = PercentileTicks.Select(p => Math.Log10(Math.Max(percentile(p.Quantile), 1e-3))).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = label;
            line.LineWidth = 2;
            line.MarkerSize = 7;
        }

        plot.Axes.Bottom.SetTicks(xs, PercentileTicks.Select(p => p.Label).ToArray());
        LogAxis(plot.Axes.Left);
        return Save(plot, directory, stem);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        EnsureFont();
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title);
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = yLabel;
        plot.ShowLegend(Edge.Right); // beside the data, never over a line
        return plot;
    }

    /// <summary>An axis whose values are log10 of the data: ticks at the powers of ten, labelled with the data's values.</summary>
    private static void LogAxis(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = value => Math.Pow(10, value).ToString("#,0.###", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static IReadOnlyList<string> Save(Plot plot, string directory, string stem)
    {
        Directory.CreateDirectory(directory);
        string svg = Path.Combine(directory, stem + ".svg");
        string png = Path.Combine(directory, stem + ".png");
        plot.SaveSvg(svg, Width, Height);
        plot.SavePng(png, Width, Height);
        return new[] { svg, png };
    }

    private static bool _fontAdded;

    private static void EnsureFont()
    {
        if (!_fontAdded)
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Fonts", "DejaVuSans.ttf");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException("The bench's chart font is missing (it ships in bench/Fonts).", path);
            }

            Fonts.AddFontFile(FontName, path);
            _fontAdded = true;
        }
    }
}
