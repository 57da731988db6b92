using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>
/// The round-trip floor: this process stores an odd count into one shared cache line, the child answers with the next
/// even one, both spinning with one pause between polls. What any transport between two processes could at best do.
/// <see cref="Stop"/> in the line ends the child. With two lines, the answer goes into a second line (128 bytes on,
/// past the adjacent-line prefetch): the floor of any design with one channel per direction, such as two rings.
/// </summary>
internal sealed class FloorRoundTrip : IRoundTrip
{
    private const long Stop = -1;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly string _name = $"bench-floor-rt-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly SharedSection _section;
    private readonly Process _child;
    private readonly int _answerOffset;

    /// <param name="warmup">The echo's warm-up, after which it pins its thread.</param>
    /// <param name="twoLines">The answer goes into a line of its own.</param>
    public FloorRoundTrip(TimeSpan warmup, bool twoLines)
    {
        _answerOffset = AnswerOffset(twoLines);
        _section = SharedSection.Create(_name, 4096);
        _child = ChildProcess.Start(false, "floor-echo", _name, warmup.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), twoLines ? "2" : "1");
    }

    /// <inheritdoc />
    public int ChildId => _child.Id;

    private static int AnswerOffset(bool twoLines) => twoLines ? 128 : 0;

    /// <inheritdoc />
    public void Trip(long sequence)
    {
        ref long line = ref RawFloor.Index(_section, 0);
        ref long answer = ref RawFloor.Index(_section, _answerOffset);
        Volatile.Write(ref line, 2 * sequence + 1); // release; the answer is read with acquire
        var idle = new IdleTimeout(Timeout);
        while (Volatile.Read(ref answer) != 2 * sequence + 2)
        {
            if (idle.Expired())
            {
                throw new TimeoutException("the floor echo process did not answer");
            }

            CpuPause.Once();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Volatile.Write(ref RawFloor.Index(_section, 0), Stop);
            ChildProcess.ReadResult(_child, Timeout);
        }
        finally
        {
            _child.Dispose();
            _section.Dispose();
            SharedSection.Delete(_name);
        }
    }

    /// <summary>The child: answers every odd count with the next even one, in the same line or in the second
    /// (<paramref name="twoLines"/>), until <see cref="Stop"/>; prints "&lt;echoes&gt; 0".</summary>
    public static int Echo(string name, TimeSpan warmup, bool twoLines)
    {
        using var section = SharedSection.Open(name);
        ref long line = ref RawFloor.Index(section, 0);
        ref long answer = ref RawFloor.Index(section, AnswerOffset(twoLines));
        var clock = new RoundTrips.EchoClock(warmup);
        var idle = new IdleTimeout(Timeout);
        for (long i = 0; ; i++)
        {
            long value;
            while ((value = Volatile.Read(ref line)) != 2 * i + 1)
            {
                if (value == Stop)
                {
                    Console.WriteLine($"{i} 0");
                    return 0;
                }

                if (idle.Expired())
                {
                    Console.WriteLine("timeout");
                    return 1;
                }

                CpuPause.Once();
            }

            Volatile.Write(ref answer, 2 * i + 2);
            clock.Tick();
            idle.Progress();
        }
    }
}
