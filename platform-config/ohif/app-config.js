/** @type {AppTypes.Config} */
// PVPI Planner: runtime configuration of the prebuilt OHIF viewer (@ohif/app 3.13.2, see ohif-app.lock.json).
// Served as /app-config.js instead of the one shipped in the viewer's dist. No rebuild of OHIF is needed:
// the extension and the mode are ES modules loaded from the URLs below (see platform-config/README.md).
window.config = {
  name: 'pvpi-planner',
  routerBasename: '/',
  // Our plugin, loaded at start-up with import(): URLs of the ES module bundles (webpack output, build/ohif/).
  // Root-relative URLs are resolved against the viewer's origin; absolute URLs (another host) need CORS.
  extensions: ['/pvpi-plugin/pvpi-extension.js'],
  modes: ['/pvpi-plugin/pvpi-mode.js'],
  customizationService: {},
  showStudyList: true,
  // Planning software is not a medical device: show OHIF's "investigational use only" banner once per browser
  // session ('always' = until confirmed in this session; 'configure' + days = once per N days; 'never').
  investigationalUseDialog: { option: 'always' },
  maxNumberOfWebWorkers: 3,
  showWarningMessageForCrossOrigin: true,
  showCPUFallbackMessage: true,
  showLoadingIndicator: true,
  experimentalStudyBrowserSort: false,
  strictZSpacingForVolumeViewport: true,
  groupEnabledModesFirst: true,
  allowMultiSelectExport: false,
  maxNumRequests: { interaction: 100, thumbnail: 75, prefetch: 25 },
  showErrorDetails: 'always',
  defaultDataSourceName: 'pvpi',
  dataSources: [
    {
      namespace: '@ohif/extension-default.dataSourcesModule.dicomweb',
      sourceName: 'pvpi',
      configuration: {
        friendlyName: 'PVPI DICOMweb (Orthanc)',
        name: 'pvpi',
        // Same-origin paths: our viewer server proxies /dicom-web to the DICOMweb server (DICOMWEB_URL or the
        // Orthanc started by `npm start`), so the browser needs no CORS. Behind another web server, proxy
        // /dicom-web to your PACS's DICOMweb root, or put its absolute URL here (then it must allow CORS).
        qidoRoot: '/dicom-web',
        wadoRoot: '/dicom-web',
        wadoUriRoot: '/dicom-web',
        qidoSupportsIncludeField: false,
        imageRendering: 'wadors',
        thumbnailRendering: 'wadors',
        enableStudyLazyLoad: true,
        supportsFuzzyMatching: false,
        supportsWildcard: true,
        omitQuotationForMultipartRequest: true,
        // Orthanc's DICOMweb plugin supports STOW-RS: needed later to save plans / SEG / RTSTRUCT to the PACS.
        supportsStow: true,
        dicomUploadEnabled: false,
      },
    },
  ],
  httpErrorHandler: (error) => {
    console.warn('PVPI Planner: DICOMweb request failed', error?.status ?? error);
  },
};
