using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc.Bench;

/// <summary>
/// The round-trip floor: this process stores an odd count into one shared cache line, the child answers with the next
/// even one, both spinning with one pause between polls. What any transport between two processes could at best do.
/// <see cref="Stop"/> in the line ends the child.
/// </summary>
internal sealed class FloorRoundTrip : IRoundTrip
{
    private const long Stop = -1;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);
    private readonly string _name = $"bench-floor-rt-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly SharedSection _section;
    private readonly Process _child;

    public FloorRoundTrip(TimeSpan warmup)
    {
        _section = SharedSection.Create(_name, 4096);
        _child = ChildProcess.Start(false, "floor-echo", _name, warmup.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public int ChildId => _child.Id;

    /// <inheritdoc />
    public void Trip(long sequence)
    {
        ref long line = ref RawFloor.Index(_section, 0);
        Volatile.Write(ref line, 2 * sequence + 1); // release; the answer is read with acquire
        var idle = new IdleTimeout(Timeout);
        while (Volatile.Read(ref line) != 2 * sequence + 2)
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

    /// <summary>The child: answers every odd count with the next even one until <see cref="Stop"/>; prints "&lt;echoes&gt; 0".</summary>
    public static int Echo(string name, TimeSpan warmup)
    {
        using var section = SharedSection.Open(name);
        ref long line = ref RawFloor.Index(section, 0);
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

            Volatile.Write(ref line, 2 * i + 2);
            clock.Tick();
            idle.Progress();
        }
    }
}
