using System;
using System.Threading;
using RingIpc.Peer;

namespace RingIpc.Tests.Crash;

/// <summary>A producer that goes on beside the chaos: a thread writing <see cref="TestMessage"/>s 0, 1, 2, ... of one
/// producer id with blocking writes until stopped; with <c>pauseEvery</c> n, a millisecond's pause after every n.</summary>
internal sealed class LiveWriter : IDisposable
{
    private readonly RingProducer _producer;
    private readonly int _id;
    private readonly int _pauseEvery;
    private readonly Thread _thread;
    private volatile bool _stop;
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
        _stop = true;
        _thread.Join();
        if (_failure is not null)
        {
            throw new InvalidOperationException("the live writer failed: " + _failure.Message, _failure);
        }

        return _written;
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _producer.Dispose();
    }

    private void Run()
    {
        try
        {
            while (!_stop)
            {
                TestMessages.Write(_producer, _id, _written, 1); // waits up to 10 s for room
                _written++;
                if (_pauseEvery != 0 && _written % _pauseEvery == 0)
                {
                    Thread.Sleep(1);
                }
            }
        }
        catch (Exception exception)
        {
            _failure = exception;
        }
    }
}
