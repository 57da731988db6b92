using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>A ring in steady use for <c>eng/cli-demo.sh</c>: creates an MPSC ring, writes a message every millisecond and
/// reads all but the last few, so that <c>ringipc</c> has live endpoints, moving counters and some fill to show.</summary>
internal static class DemoPeer
{
    /// <summary>Creates <paramref name="name"/>, prints "serving", then writes and reads for <paramref name="seconds"/>.</summary>
    public static int Serve(string name, int seconds)
    {
        using SharedRing ring = SharedRing.Create(name, new RingOptions { Kind = RingKind.Mpsc, Capacity = 65536 });
        using RingProducer writer = ring.CreateProducer();
        using RingConsumer reader = ring.CreateConsumer();
        byte[] message = new byte[100];
        Console.WriteLine("serving");
        var clock = Stopwatch.StartNew();
        for (long i = 0; clock.Elapsed < TimeSpan.FromSeconds(seconds); i++)
        {
            writer.TryWrite(message);
            if (i % 10 != 0)
            {
                reader.Read(static (_, _) => { }, 1);
            }

            Thread.Sleep(1);
        }

        return 0;
    }
}
