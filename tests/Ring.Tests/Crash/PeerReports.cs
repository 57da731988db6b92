using System;
using System.Collections.Generic;
using System.Globalization;

namespace RingIpc.Tests.Crash;

/// <summary>Reads what a crash-produce or crash-consume peer (tests/RingPeer/CrashPeer.cs) printed before it was killed.</summary>
internal static class PeerReports
{
    /// <summary>How many messages a crash-produce peer reported committed (its sequences are 0, 1, 2, ...).</summary>
    public static long CommittedCount(string output)
    {
        long count = 0;
        foreach (string line in Lines(output))
        {
            if (line.StartsWith("committed ", StringComparison.Ordinal))
            {
                long sequence = long.Parse(line.AsSpan("committed ".Length), CultureInfo.InvariantCulture);
                if (sequence != count)
                {
                    throw new InvalidOperationException($"the producer reported sequence {sequence} after {count} commits");
                }

                count++;
            }
        }

        return count;
    }

    /// <summary>What a crash-consume peer of a ring with one producer reported: the sequences it was handed, in order,
    /// and how many of them it had released (those handed before its last <c>released</c> line).</summary>
    public static (List<long> Handed, int Released) ConsumerTrace(string output)
    {
        var handed = new List<long>();
        int released = 0;
        foreach (string line in Lines(output))
        {
            if (line.StartsWith("handed ", StringComparison.Ordinal))
            {
                handed.Add(long.Parse(line.AsSpan(line.LastIndexOf(' ') + 1), CultureInfo.InvariantCulture));
            }
            else if (line == "released")
            {
                released = handed.Count;
            }
        }

        return (handed, released);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
