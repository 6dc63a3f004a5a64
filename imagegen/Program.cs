using System;
using CapOS.ImageGen;

// imagegen: docs/imagegen.md.
return ImageGenCli.Run(args, Console.Out, Console.Error);
