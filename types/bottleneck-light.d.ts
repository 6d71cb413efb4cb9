// bottleneck/light.js is the build octokit's throttling plugin uses; it has the same API as the main entry.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
