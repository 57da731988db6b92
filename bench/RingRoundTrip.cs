using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;

namespace RingIpc.Bench;

/// <summary>
/// A round trip through two rings: this process writes a message into a "ping" ring, a child process echoes it into a
/// "pong" ring, this process reads it back and checks it; both sides use the same wait strategy. A message of type
/// <see cref="StopType"/> ends the child.
/// </summary>
internal sealed class RingRoundTrip : IRoundTrip
{
    private const int StopType = 1;
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(30);
    private readonly string _ping = $"bench-ping-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly string _pong = $"bench-pong-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly SharedRing _pingRing;
    private readonly SharedRing _pongRing;
    private readonly RingProducer _writer;
    private readonly RingConsumer _reader;
    private readonly Process _child;
    private readonly byte[] _message;
    private readonly RingMessageHandler _check;
    private long _expected;

    /// <summary>Creates the rings and starts the echo child.</summary>
    /// <param name="busySpin">Both sides busy-spin; otherwise both use the default strategy (spin, then block).</param>
    /// <param name="payloadBytes">The message's size (at least 8: its first 8 bytes are its sequence number).</param>
    /// <param name="warmup">The echo's warm-up, after which it pins its thread.</param>
    public RingRoundTrip(bool busySpin, int payloadBytes, TimeSpan warmup)
    {
        _pingRing = SharedRing.Create(_ping, new RingOptions { Capacity = 4096 });
        try
        {
            _pongRing = SharedRing.Create(_pong, new RingOptions { Capacity = 4096 });
        }
        catch
        {
            _pingRing.Dispose();
            SharedRing.Delete(_ping); // a failed row leaves no ring behind
            throw;
        }

        _writer = _pingRing.CreateProducer(StrategyOf(busySpin));
        _reader = _pongRing.CreateConsumer(StrategyOf(busySpin));
        _message = new byte[payloadBytes];
        _check = (_, payload) =>
        {
            if (payload.Length != _message.Length || BinaryPrimitives.ReadInt64LittleEndian(payload) != _expected)
            {
                throw new InvalidOperationException($"the echo of message {_expected} came back wrong");
            }
        };
        _child = ChildProcess.Start(false, "echo", _ping, _pong, busySpin ? "spin" : "default", warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public int ChildId => _child.Id;

    /// <inheritdoc />
    public void Trip(long sequence)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_message, sequence);
        _expected = sequence;
        _writer.Write(_message, WaitTimeout);
        if (_reader.Read(_check, 1, WaitTimeout) != 1)
        {
            throw new TimeoutException("no echo");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            _writer.Write(ReadOnlySpan<byte>.Empty, StopType, WaitTimeout);
            ChildProcess.ReadResult(_child, TimeSpan.FromMinutes(1));
        }
        finally
        {
            _child.Dispose();
            _writer.Dispose();
            _reader.Dispose();
            _pingRing.Dispose();
            _pongRing.Dispose();
            SharedRing.Delete(_ping);
            SharedRing.Delete(_pong);
        }
    }

    /// <summary>The child: echoes every message from the ping ring into the pong ring until the stop message; prints
    /// "&lt;echoes&gt; 0".</summary>
    public static int Echo(string ping, string pong, bool busySpin, TimeSpan warmup)
    {
        using var pingRing = SharedRing.Open(ping);
        using var pongRing = SharedRing.Open(pong);
        using var reader = pingRing.CreateConsumer(StrategyOf(busySpin));
        using var writer = pongRing.CreateProducer(StrategyOf(busySpin));
        var clock = new RoundTrips.EchoClock(warmup);
        for (long echoes = 0; ; echoes++)
        {
            if (!reader.WaitForData(WaitTimeout) || !reader.TryRead(out RingMessage message))
            {
                Console.WriteLine("timeout");
                return 1;
            }

            using (message)
            {
                if (message.MessageType == StopType)
                {
                    Console.WriteLine($"{echoes} 0");
                    return 0;
                }

                writer.Write(message.Payload, WaitTimeout);
            }

            clock.Tick();
        }
    }

    private static WaitStrategy StrategyOf(bool busySpin) => busySpin ? WaitStrategy.BusySpin : WaitStrategy.Default;
}
