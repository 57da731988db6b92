using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>Before a run: waits for the machine to be quiet (under 10 % of all cores busy over half a second, read from
/// <c>/proc/stat</c>), at most a given time, and says whether it was.</summary>
internal static class QuietMachine
{
    private const double QuietBusyFraction = 0.10;

    /// <summary>One line for the report.</summary>
    public static string WaitAndDescribe(TimeSpan patience)
    {
        if (!File.Exists("/proc/stat"))
        {
            return "Machine load: not checked (no /proc/stat).";
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        double busy;
        do
        {
            busy = BusyFraction(TimeSpan.FromSeconds(0.5));
            if (busy < QuietBusyFraction)
            {
                return string.Create(CultureInfo.InvariantCulture, $"Machine load: quiet before the run ({busy:P0} of all cores busy over 0.5 s).");
            }
        }
        while (clock.Elapsed < patience);

        return string.Create(CultureInfo.InvariantCulture,
            $"Machine load: NOT QUIET — {busy:P0} of all cores were busy after waiting {patience.TotalSeconds:N0} s; other work distorts this run's numbers.");
    }

    private static double BusyFraction(TimeSpan span)
    {
        (long busy0, long total0) = Read();
        Thread.Sleep(span);
        (long busy1, long total1) = Read();
        return total1 == total0 ? 0 : (double)(busy1 - busy0) / (total1 - total0);
    }

    /// <summary>The "cpu" line: user nice system idle iowait irq softirq steal …; idle and iowait are not busy.</summary>
    private static (long Busy, long Total) Read()
    {
        string line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        long[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        long total = fields.Sum();
        return (total - fields[3] - fields[4], total);
    }
}
