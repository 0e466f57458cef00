// The fraud-detection reference job (docs: samples/FraudDetection/README.md). With no arguments it generates card
// traffic into an embedded Kafka broker, runs the job on a one-node cluster with SQLite state, shows live progress and
// prints a summary:
//
//   dotnet run -c Release --project samples/FraudDetection [-- --help]
using FraudDetection.App;

return await AppCommand.InvokeAsync(args, (options, cancellation) => FraudApp.RunAsync(options, Console.Out, Console.Error, cancellation));
