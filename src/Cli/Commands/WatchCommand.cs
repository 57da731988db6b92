using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using RingIpc.Cli.Output;
using RingIpc.Cli.Views;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace RingIpc.Cli.Commands;

/// <summary><c>ringipc watch NAME</c>: the ring's status and its write and read rates, refreshed in place on a terminal
/// (one table per refresh elsewhere; one JSON object per line with <c>--json</c>) until Ctrl+C or <c>--count</c>.</summary>
internal static class WatchCommand
{
    /// <summary>One refresh of <c>watch --json</c>.</summary>
    internal sealed record Sample(DateTimeOffset Time, Rates Rates, StatusReport Status);

    public static Command Create(CliOutput output)
    {
        Argument<string> name = CommonOptions.RingName();
        Option<bool> json = CommonOptions.Json();
        var interval = new Option<int>("--interval") { Description = "Milliseconds between refreshes (at least 50).", DefaultValueFactory = _ => 1000 };
        var count = new Option<int>("--count") { Description = "Stop after this many refreshes (0: until Ctrl+C).", DefaultValueFactory = _ => 0 };
        var command = new Command("watch", "Watch one ring live: fill, endpoints and messages/s and bytes/s written and read.") { name, interval, count, json };
        command.Validators.Add(result =>
        {
            if (result.GetValue(interval) < 50)
            {
                result.AddError("--interval must be at least 50 (milliseconds).");
            }

            if (result.GetValue(count) < 0)
            {
                result.AddError("--count must be 0 (until Ctrl+C) or more.");
            }
        });
        command.SetAction((parse, token) => RunAsync(output, parse.GetValue(name)!, parse.GetValue(interval), parse.GetValue(count), parse.GetValue(json), token));
        return command;
    }

    private static async Task<int> RunAsync(CliOutput output, string name, int intervalMs, int count, bool json, CancellationToken token)
    {
        using SharedRing? ring = RingOpening.TryOpen(output, name, out int exitCode);
        if (ring is null)
        {
            return exitCode;
        }

        StatusReport? previous = null;
        var clock = Stopwatch.StartNew();
        TimeSpan previousAt = TimeSpan.Zero;
        Sample Next()
        {
            StatusReport now = StatusReport.From(ring.GetStatus());
            TimeSpan at = clock.Elapsed;
            var sample = new Sample(DateTimeOffset.UtcNow, Rates.Between(previous, now, at - previousAt), now);
            (previous, previousAt) = (now, at);
            return sample;
        }

        try
        {
            if (!json && output.Interactive)
            {
                await output.Console.Live(new Text("")).StartAsync(async live =>
                {
                    for (int i = 0; count == 0 || i < count; i++)
                    {
                        live.UpdateTarget(Render(Next()));
                        live.Refresh();
                        await Task.Delay(intervalMs, token).ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            for (int i = 0; count == 0 || i < count; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(intervalMs, token).ConfigureAwait(false);
                }

                Sample sample = Next();
                if (json)
                {
                    output.JsonLine(sample);
                }
                else
                {
                    output.Console.Write(Render(sample));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: the watch ends normally.
        }

        return ExitCodes.Success;
    }

    private static IRenderable Render(Sample sample)
    {
        Rates r = sample.Rates;
        var rates = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn(new TableColumn("messages/s").RightAligned()).AddColumn(new TableColumn("bytes/s").RightAligned());
        rates.AddRow("written", Invariant($"{r.WrittenMessagesPerSecond:N0}"), Invariant($"{r.WrittenBytesPerSecond:N0}"));
        rates.AddRow("read", Invariant($"{r.ReadMessagesPerSecond:N0}"), Invariant($"{r.ReadBytesPerSecond:N0}"));
        return new Rows(new Text(Invariant($"{sample.Time:u}")), StatusView.Ring(sample.Status), rates, StatusView.Endpoints(sample.Status));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
