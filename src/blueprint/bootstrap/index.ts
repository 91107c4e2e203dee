export * from './platform-bootstrap';
