using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RingIpc;

/// <summary>The named windows in which a crash of an endpoint's process must not stall a ring or lose a committed
/// message; the crash tests stop a real process exactly in one of them and kill it there.</summary>
internal enum CrashPoint
{
    /// <summary>Not armed.</summary>
    None,

    /// <summary>Producer: space reserved (MPSC tail CAS, SPSC tail store), nothing marked yet.</summary>
    AfterReserve,

    /// <summary>Producer: the wrap padding stored at the end of the data area, the record at index 0 not marked yet.</summary>
    DuringWrap,

    /// <summary>Producer: the claim is marked (its header holds the claim marker), the payload not written yet.</summary>
    AfterClaim,

    /// <summary>Producer: the payload is written, the commit not made yet.</summary>
    BeforeCommit,

    /// <summary>Producer: announced its sleep on a full ring (its bit in the producers-asleep word is set).</summary>
    Asleep,

    /// <summary>Consumer: a batch handed messages to the handler and has not released them yet.</summary>
    MidBatch,

    /// <summary>Consumer: the zeroing intent is stored and half of the consumed bytes are zeroed; the head has not moved.</summary>
    MidZeroing,
}

/// <summary>
/// Test-only stops at the <see cref="CrashPoint"/>s. A process is armed by the environment variable
/// <c>RINGIPC_TEST_CRASH_AT=&lt;point&gt;[:&lt;n&gt;]</c> (point in kebab case, e.g. <c>after-reserve:100</c>: the 100th time
/// the point is reached, default the first); there it prints <c>crash-point &lt;point&gt;</c> on standard output and
/// blocks for ever, for the test to kill it. Unarmed (every real process), a point costs nothing: <see cref="Armed"/>
/// is a static readonly field, which the JIT folds into a constant, so the check vanishes from optimized code.
/// </summary>
internal static class CrashPoints
{
    /// <summary>The armed point, read once from the environment.</summary>
    public static readonly CrashPoint Armed = Parse(Environment.GetEnvironmentVariable("RINGIPC_TEST_CRASH_AT"), out ArmedOccurrence);

    private static readonly int ArmedOccurrence;
    private static int s_reached;

    /// <summary>Called only when <see cref="Armed"/> is not <see cref="CrashPoint.None"/>: stops the process if this is
    /// the armed point's armed occurrence.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Reach(CrashPoint point)
    {
        if (point != Armed || Interlocked.Increment(ref s_reached) != ArmedOccurrence)
        {
            return;
        }

        Console.Out.WriteLine("crash-point " + Name(point));
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    }

    /// <summary>The kebab-case name of <paramref name="point"/> (as the environment variable spells it).</summary>
    public static string Name(CrashPoint point)
    {
        string name = point.ToString();
        var kebab = new System.Text.StringBuilder();
        foreach (char c in name)
        {
            if (char.IsUpper(c) && kebab.Length != 0)
            {
                kebab.Append('-');
            }

            kebab.Append(char.ToLowerInvariant(c));
        }

        return kebab.ToString();
    }

    private static CrashPoint Parse(string? text, out int occurrence)
    {
        occurrence = 1;
        if (string.IsNullOrEmpty(text))
        {
            return CrashPoint.None;
        }

        string[] parts = text!.Split(':');
        if (parts.Length == 2 && !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out occurrence))
        {
            throw new ArgumentException($"RINGIPC_TEST_CRASH_AT='{text}': the occurrence after ':' must be a positive number.");
        }

        foreach (CrashPoint point in (CrashPoint[])Enum.GetValues(typeof(CrashPoint)))
        {
            if (point != CrashPoint.None && Name(point) == parts[0])
            {
                return point;
            }
        }

        throw new ArgumentException($"RINGIPC_TEST_CRASH_AT='{text}' names no crash point.");
    }
}
