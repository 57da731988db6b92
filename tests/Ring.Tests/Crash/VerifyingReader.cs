using System;
using System.Diagnostics;
using System.Threading;
using RingIpc.Peer;
using Xunit;

namespace RingIpc.Tests.Crash;

/// <summary>The ring's consumer on a thread of its own, checking every message with a <see cref="Verifier"/> (each
/// producer's sequence 0, 1, 2, ... with nothing lost, duplicated or reordered) and timing the longest wait between
/// two messages.</summary>
internal sealed class VerifyingReader : IDisposable
{
    private readonly object _gate = new();
    private readonly RingConsumer _consumer;
    private readonly Verifier _verifier;
    private readonly Thread _thread;
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private volatile bool _stop;
    private Exception? _failure;
    private TimeSpan _longestGap;

    public VerifyingReader(SharedRing ring, int producers, WaitStrategy? waitStrategy = null)
    {
        _consumer = ring.CreateConsumer(waitStrategy);
        _verifier = new Verifier(producers, long.MaxValue);
        _thread = new Thread(Run) { IsBackground = true, Name = "verifying reader" };
        _thread.Start();
    }

    /// <summary>How many messages of <paramref name="producer"/> arrived (they were its sequences 0 .. n − 1).</summary>
    public long Received(int producer)
    {
        lock (_gate)
        {
            ThrowIfFailed();
            return _verifier.NextOf(producer);
        }
    }

    /// <summary>The longest time between two messages since <see cref="ResetGap"/>.</summary>
    public TimeSpan LongestGap
    {
        get
        {
            lock (_gate)
            {
                return _longestGap;
            }
        }
    }

    /// <summary>Starts timing gaps from now (e.g. once producers run).</summary>
    public void ResetGap()
    {
        lock (_gate)
        {
            _longestGap = TimeSpan.Zero;
            _sinceLast.Restart();
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds (asked with this reader's <see cref="Received"/>), failing after
    /// <paramref name="timeout"/> with <paramref name="what"/>.</summary>
    public void WaitUntil(Func<bool> done, TimeSpan timeout, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < timeout, $"after {timeout}: {what()}");
            Thread.Sleep(5);
        }
    }

    /// <summary>Stops the thread after one last read; the consumer is disposed with the reader.</summary>
    public void Stop()
    {
        _stop = true;
        _thread.Join();
        lock (_gate)
        {
            ThrowIfFailed();
        }
    }

    public void Dispose()
    {
        Stop();
        _consumer.Dispose();
    }

    private void Run()
    {
        RingMessageHandler handler = _verifier.Handler;
        try
        {
            while (true)
            {
                bool stopping = _stop;
                int read;
                lock (_gate)
                {
                    read = _consumer.Read(handler, maxMessages: 64);
                    if (read != 0)
                    {
                        _longestGap = _sinceLast.Elapsed > _longestGap ? _sinceLast.Elapsed : _longestGap;
                        _sinceLast.Restart();
                    }

                    if (_verifier.Error is not null)
                    {
                        throw new InvalidOperationException(_verifier.Error);
                    }
                }

                if (read == 0)
                {
                    if (stopping)
                    {
                        return;
                    }

                    _consumer.WaitForData(TimeSpan.FromMilliseconds(20));
                }
            }
        }
        catch (Exception exception)
        {
            lock (_gate)
            {
                _failure = exception;
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new InvalidOperationException("the verifying reader failed: " + _failure.Message, _failure);
        }
    }
}
