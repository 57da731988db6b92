using System;
using System.Threading;
using RingIpc.Peer;

namespace RingIpc.Tests.Crash;

/// <summary>A producer that goes on beside the chaos: a thread writing <see cref="TestMessage"/>s 0, 1, 2, ... of one
/// producer id with blocking writes until stopped (a write asleep on a full ring is cancelled); with <c>pauseEvery</c> n,
/// a millisecond's pause after every n.</summary>
internal sealed class LiveWriter : IDisposable
{
    private readonly RingProducer _producer;
    private readonly int _id;
    private readonly int _pauseEvery;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private long _written;
    private Exception? _failure;

    public LiveWriter(SharedRing ring, int id, int pauseEvery = 0)
    {
        _producer = ring.CreateProducer();
        _id = id;
        _pauseEvery = pauseEvery;
        _thread = new Thread(Run) { IsBackground = true, Name = "live writer" };
        _thread.Start();
    }

    /// <summary>Stops writing and returns how many messages were written (sequences 0 .. n − 1).</summary>
    public long Stop()
    {
        _stop.Cancel();
        _thread.Join();
        if (_failure is not null)
        {
            throw new InvalidOperationException("the live writer failed: " + _failure.Message, _failure);
        }

        return _written;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _producer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        try
        {
            Span<byte> message = stackalloc byte[TestMessage.MaxLength];
            while (!_stop.IsCancellationRequested)
            {
                Span<byte> body = message.Slice(0, TestMessage.LengthOf(_id, _written));
                TestMessage.Write(body, _id, _written);
                _producer.Write(body, _id, TimeSpan.FromSeconds(10), _stop.Token);
                _written++;
                if (_pauseEvery != 0 && _written % _pauseEvery == 0)
                {
                    Thread.Sleep(1);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // stopped while waiting for room: that message was not written
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
    }
}
